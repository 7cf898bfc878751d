// Proof of the lab's plumbing without dlan-agent: two router namespaces with a holder each,
// wireguard-go + wg, VXLAN over wg0, bird2 OSPFv3 (IPv4 and IPv6 channels), a LAN stub each, the
// loopback advertised, pings across. Prints what it found and tears everything down.
// Run as root: node --import tsx lab/plumbing-proof.ts
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inHolder, inNs, isAlive, must, run, sleep, spawnDetached, waitFor } from './run.ts';

const DIR = '/tmp/dlan-plumbing-proof';
const NODES = [
  { n: 1, ns: 'dlan-pp-a', wan: '198.51.100.1', tun: '10.1.0.1', transit: '10.0.4.1/30', lan: '10.2.0.1/24', lan6: 'fd79:2de7:db86::1/64', peer: 2 },
  { n: 2, ns: 'dlan-pp-b', wan: '198.51.100.2', tun: '10.1.0.2', transit: '10.0.4.2/30', lan: '10.2.1.1/24', lan6: 'fd35:6d2e:5a1b::1/64', peer: 1 },
] as const;

function birdConf(n: number, vx: string, loopbackOnLo: boolean): string {
  const area = (fam: 4 | 6) => [
    '  area 0 {',
    ...(loopbackOnLo ? [`    stubnet ${fam === 4 ? `10.1.1.${n}/32` : `fd00:0:1:1::${n}/128`};`] : []),
    '    interface "lo" { stub yes; };',
    '    interface "eth1" { stub yes; };',
    `    interface "${vx}" { type ptp; cost 10; hello 1; dead 4; authentication cryptographic; password "lab"; };`,
    '  };',
  ];
  return [
    `router id 10.1.1.${n};`,
    'protocol device { scan time 10; }',
    'protocol kernel { ipv4 { import none; export where source = RTS_OSPF; }; }',
    'protocol kernel { ipv6 { import none; export where source = RTS_OSPF; }; }',
    'protocol ospf v3 ospf4 {', '  ipv4 { import all; export none; };', ...area(4), '}',
    'protocol ospf v3 ospf6 {', '  ipv6 { import all; export none; };', ...area(6), '}',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const holders: number[] = [];
  const findings: string[] = [];
  try {
    mkdirSync(DIR, { recursive: true });
    for (const x of NODES) {
      run(['ip', 'netns', 'del', x.ns]);
      must(['ip', 'netns', 'add', x.ns]);
      must(['ip', '-n', x.ns, 'link', 'set', 'lo', 'up']);
    }
    must(['ip', '-n', NODES[0].ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NODES[1].ns]);
    const keys = NODES.map(() => must(['wg', 'genkey']).trim());
    const pubs = keys.map((k) => must(['wg', 'pubkey'], { input: k }).trim());
    for (const [i, x] of NODES.entries()) {
      const pid = spawnDetached(inNs(x.ns, ['unshare', '-m', '--propagation', 'private', '--', 'sleep', 'infinity']), join(DIR, `holder${x.n}.log`));
      holders.push(pid);
      await waitFor('holder', 5000, () => (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep' ? true : undefined), 50);
      const sh = (argv: string[]) => must(inHolder(pid, argv));
      sh(['mount', '-t', 'tmpfs', 'pp-run', '/run']);
      sh(['mkdir', '-p', '/run/wireguard']);
      sh(['ip', 'addr', 'add', `${x.wan}/24`, 'dev', 'eth0']);
      sh(['ip', 'link', 'set', 'eth0', 'up']);
      spawnDetached(inHolder(pid, ['wireguard-go', '-f', 'wg0']), join(DIR, `wg${x.n}.log`));
      await waitFor('wg0', 5000, () => (run(inHolder(pid, ['wg', 'show', 'wg0'])).code === 0 ? true : undefined), 100);
      writeFileSync(join(DIR, `key${x.n}`), keys[i]!, { mode: 0o600 });
      const other = NODES[1 - i]!;
      sh(['wg', 'set', 'wg0', 'private-key', join(DIR, `key${x.n}`), 'listen-port', '51820', 'peer', pubs[1 - i]!, 'allowed-ips', `${other.tun}/32`,
        ...(i === 0 ? ['endpoint', `${other.wan}:51820`, 'persistent-keepalive', '25'] : [])]);
      sh(['ip', 'addr', 'add', `${x.tun}/24`, 'dev', 'wg0']);
      sh(['ip', 'link', 'set', 'wg0', 'up']);
      const vx = `dlan_vx${x.peer}`;
      sh(['ip', 'link', 'add', vx, 'type', 'vxlan', 'id', '258', 'local', x.tun, 'remote', other.tun, 'dev', 'wg0', 'dstport', '4789']);
      sh(['ip', 'addr', 'add', x.transit, 'dev', vx]);
      sh(['ip', 'link', 'set', vx, 'up']);
      sh(['ip', 'addr', 'add', `10.1.1.${x.n}/32`, 'dev', 'lo']);
      sh(['ip', 'addr', 'add', `fd00:0:1:1::${x.n}/128`, 'dev', 'lo']);
      sh(['ip', 'link', 'add', 'eth1', 'type', 'bridge']);
      sh(['ip', 'addr', 'add', x.lan, 'dev', 'eth1']);
      sh(['ip', 'addr', 'add', x.lan6, 'dev', 'eth1']);
      sh(['ip', 'link', 'set', 'eth1', 'up']);
      sh(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
      // First without stubnet: what does `interface "lo" { stub yes; }` advertise?
      writeFileSync(join(DIR, `bird${x.n}.conf`), birdConf(x.n, vx, false));
      sh(['bird', '-c', join(DIR, `bird${x.n}.conf`), '-s', join(DIR, `bird${x.n}.ctl`), '-P', join(DIR, `bird${x.n}.pid`)]);
      findings.push(`r${x.n}: wg0 mtu ${/mtu (\d+)/.exec(sh(['ip', 'link', 'show', 'wg0']))?.[1]}, ${vx} mtu ${/mtu (\d+)/.exec(sh(['ip', 'link', 'show', vx]))?.[1]}`);
    }
    const birdc = (n: number, ...args: string[]) => must(['birdc', '-s', join(DIR, `bird${n}.ctl`), ...args]);
    const t0 = Date.now();
    await waitFor('OSPF Full in both instances', 30_000, () => ((birdc(1, 'show', 'ospf', 'neighbors').match(/Full/g) ?? []).length >= 2 ? true : undefined), 200);
    findings.push(`OSPF adjacency Full (both instances) ${((Date.now() - t0) / 1000).toFixed(1)} s after bird started`);
    await sleep(2000);
    const ifaces = birdc(1, 'show', 'interfaces');
    findings.push(`bird marks lo: ${/^lo .*\n\s+(.*)$/m.exec(ifaces)?.[1]?.trim()}`);
    const routesNoStubnet = birdc(2, 'show', 'route');
    findings.push(`with interface "lo" { stub yes; } only: r2 learns 10.1.1.1/32: ${routesNoStubnet.includes('10.1.1.1/32')}, 127.0.0.0/8: ${routesNoStubnet.includes('127.0.0.0/8')}`);
    for (const x of NODES) {
      writeFileSync(join(DIR, `bird${x.n}.conf`), birdConf(x.n, `dlan_vx${x.peer}`, true));
      birdc(x.n, 'configure');
    }
    await waitFor('loopback routes via stubnet', 15_000, () => (birdc(2, 'show', 'route').includes('10.1.1.1/32') && birdc(2, 'show', 'route').includes('fd00:0:1:1::1/128') ? true : undefined), 200);
    findings.push('with stubnet 10.1.1.N/32 / fd00:0:1:1::N/128 in the area: loopbacks learned on the other side (IPv4 and IPv6)');
    findings.push(`adjacency kept across birdc configure: ${(birdc(1, 'show', 'ospf', 'neighbors').match(/Full/g) ?? []).length >= 2}`);
    const ping = (from: string, to: string, extra: string[] = []) => run(inHolder(holders[0]!, ['ping', '-n', '-c', '2', '-i', '0.2', '-W', '1', ...extra, '-I', from, to])).code === 0;
    await waitFor('kernel routes', 10_000, () => (ping('10.1.1.1', '10.1.1.2') ? true : undefined), 200);
    findings.push(`ping loopback→loopback v4 ${ping('10.1.1.1', '10.1.1.2')}, v6 ${ping('fd00:0:1:1::1', 'fd00:0:1:1::2')}`);
    findings.push(`ping LAN→LAN v4 ${ping('10.2.0.1', '10.2.1.1')}, v6 ${ping('fd79:2de7:db86::1', 'fd35:6d2e:5a1b::1')}`);
    const df = (size: number) => run(inHolder(holders[0]!, ['ping', '-n', '-c', '1', '-W', '1', '-M', 'do', '-s', String(size), '10.2.1.1'])).code === 0;
    findings.push(`DF ping payload 1342 (1370 MTU): ${df(1342)}, 1343: ${df(1343)}`);
    console.log(findings.map((f) => `- ${f}`).join('\n'));
  } finally {
    for (const x of NODES) {
      for (const p of run(['ip', 'netns', 'pids', x.ns]).stdout.split(/\s+/).filter(Boolean).map(Number)) {
        try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
      }
    }
    for (const p of holders) if (isAlive(p)) process.kill(p, 'SIGKILL');
    await sleep(200);
    for (const x of NODES) run(['ip', 'netns', 'del', x.ns]);
    rmSync(DIR, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
