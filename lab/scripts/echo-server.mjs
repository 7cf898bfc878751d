// The lab servers' tiny service (plain JS so it starts fast under node without tsx).
// TCP: answers `<name> <client-address>` and closes. When the connection starts with a PROXY
// protocol v1 header (nginx `proxy_protocol on`), the client address is the header's source,
// i.e. the real client; otherwise it is the peer of the socket. UDP: answers every datagram
// with `<name> <peer-address> <payload>`.
// usage: node echo-server.mjs NAME TCP_PORT UDP_PORT
import net from 'node:net';
import dgram from 'node:dgram';

const [name, tcpPort, udpPort] = process.argv.slice(2);
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

const udp = dgram.createSocket({ type: 'udp6', ipv6Only: false });
udp.on('message', (msg, rinfo) => {
  udp.send(`${name} ${plain(rinfo.address)} ${msg.toString('utf8').trim()}\n`, rinfo.port, rinfo.address);
});
udp.bind(Number(udpPort), '::');
