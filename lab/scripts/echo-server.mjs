// The lab servers' tiny service (plain JS so it starts fast under node without tsx).
// TCP: answers `<name> <client-address>` and closes. When the connection starts with a PROXY
// protocol v1 header (nginx `proxy_protocol on`), the client address is the header's source,
// i.e. the real client; otherwise it is the peer of the socket. UDP: answers every datagram
// with `<name> <peer-address> <payload>`.
// usage: node echo-server.mjs NAME TCP_PORT UDP_PORT [EXTRA_IPV4,...]
// EXTRA_IPV4: secondary addresses (the lab's static /32s) that get their own UDP socket, so that
// answers to datagrams sent to them leave from them (a wildcard socket would answer from the
// interface's primary address, which the client's connected socket drops).
import net from 'node:net';
import dgram from 'node:dgram';

const [name, tcpPort, udpPort, extra] = process.argv.slice(2);
if (!name || !tcpPort || !udpPort) {
  console.error('usage: echo-server.mjs NAME TCP_PORT UDP_PORT');
  process.exit(2);
}
const plain = (a) => (a ?? '').replace(/^::ffff:/, '');

const tcp = net.createServer({ allowHalfOpen: true }, (sock) => {
  let buf = '';
  let answered = false;
  const answer = () => {
    if (answered) return;
    answered = true;
    let client = plain(sock.remoteAddress);
    let proxied = false;
    const m = /^PROXY (TCP4|TCP6|UNKNOWN) ?(\S*) ?(\S*) ?(\d*) ?(\d*)\r\n/.exec(buf);
    if (m && m[2]) {
      client = m[2];
      proxied = true;
    }
    sock.end(`${name} ${client}${proxied ? ' proxy' : ''}\n`);
  };
  // A proxied connection sends its header at once; a bare client may send nothing.
  const timer = setTimeout(answer, 300);
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    if (buf.includes('\n')) {
      clearTimeout(timer);
      answer();
    }
  });
  // a client that half-closes without a PROXY header still gets its answer
  sock.on('end', () => {
    clearTimeout(timer);
    answer();
  });
  sock.on('error', () => clearTimeout(timer));
  sock.on('close', () => clearTimeout(timer));
});
tcp.listen({ port: Number(tcpPort), host: '::', ipv6Only: false });

function udpEcho(type, address) {
  const udp = dgram.createSocket({ type, ipv6Only: false, reuseAddr: true });
  udp.on('message', (msg, rinfo) => {
    udp.send(`${name} ${plain(rinfo.address)} ${msg.toString('utf8').trim()}\n`, rinfo.port, rinfo.address);
  });
  udp.bind(Number(udpPort), address);
}
udpEcho('udp6', '::');
for (const a of (extra ?? '').split(',').filter(Boolean)) udpEcho('udp4', a);
