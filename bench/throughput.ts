// TCP throughput (iperf3) through the dlan overlay against a bare WireGuard tunnel (wireguard-go on
// a direct veth between S1 and S2, no VXLAN, no routing), plus IP fragmentation counters: with the
// MTU/MSS right, full-size TCP must not fragment anywhere. Two overlay paths: S1 → S2 crosses two
// dlan links (R1 → hub R4/R5 → R2: two wireguard-go hops), S2 → S5 crosses one (the R2–R3 link on
// H2's LAN) — the like-for-like comparison with the one bare tunnel. Printed table, not a test.
// Run as root: node --import tsx bench/throughput.ts [seconds]
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { mainOf, table, withLab } from '../lab/bench-support.ts';
import { serverAddresses } from '../lab/probes.ts';
import { inNs, must, run, runAsync, sleep, spawnDetached, waitFor } from '../lab/run.ts';
import { LAB_DIR, ROUTERS, SERVERS } from '../lab/topology.ts';

const SECONDS = Number(process.argv[2] ?? 5);
const S1 = SERVERS.find((s) => s.name === 's1')!;
const S2 = SERVERS.find((s) => s.name === 's2')!;
const S5 = SERVERS.find((s) => s.name === 's5')!;
const DIR = join(LAB_DIR, 'bench-wg');

function fragCounters(): number {
  let total = 0;
  for (const ns of [...ROUTERS.map((r) => r.ns), ...SERVERS.map((s) => s.ns)]) {
    const out = run(inNs(ns, ['nstat', '-az', 'IpFragCreates', 'IpFragFails', 'Ip6FragCreates', 'Ip6FragFails'])).stdout;
    for (const m of out.matchAll(/^\S+\s+(\d+)/gm)) total += Number(m[1]);
  }
  return total;
}

async function iperf(target: string, from = S1, to = S2): Promise<{ mbps: number; retransmits: number }> {
  const server = spawnDetached(inNs(to.ns, ['iperf3', '-s', '-1', '-B', target]), join(DIR, 'iperf3-server.log'));
  try {
    await sleep(500);
    const r = await runAsync(inNs(from.ns, ['iperf3', '-J', '-c', target, '-t', String(SECONDS)]), { timeoutMs: (SECONDS + 20) * 1000 });
    if (r.code !== 0) throw new Error(`iperf3 to ${target} failed: ${r.stdout.slice(-500)}${r.stderr}`);
    const j = JSON.parse(r.stdout) as { end: { sum_received: { bits_per_second: number }; sum_sent: { retransmits?: number } } };
    return { mbps: j.end.sum_received.bits_per_second / 1e6, retransmits: j.end.sum_sent.retransmits ?? 0 };
  } finally {
    try { process.kill(server, 'SIGKILL'); } catch { /* done */ }
  }
}

/** wireguard-go wgb1 (S1) ↔ wgb2 (S2) over a direct veth; names differ because servers share /run/wireguard. */
async function bareTunnel(): Promise<() => void> {
  mkdirSync(DIR, { recursive: true });
  const madeRunDir = !existsSync('/run/wireguard');
  mkdirSync('/run/wireguard', { recursive: true });
  must(['ip', '-n', S1.ns, 'link', 'add', 'bench0', 'type', 'veth', 'peer', 'name', 'bench0', 'netns', S2.ns]);
  const ends = [
    { s: S1, dev: 'wgb1', under: '198.51.100.1', tun: '172.31.0.1', peer: '198.51.100.2', peerTun: '172.31.0.2' },
    { s: S2, dev: 'wgb2', under: '198.51.100.2', tun: '172.31.0.2', peer: '198.51.100.1', peerTun: '172.31.0.1' },
  ];
  const keys = ends.map(() => must(['wg', 'genkey']).trim());
  const pids: number[] = [];
  for (const [i, e] of ends.entries()) {
    must(['ip', '-n', e.s.ns, 'addr', 'add', `${e.under}/30`, 'dev', 'bench0']);
    must(['ip', '-n', e.s.ns, 'link', 'set', 'bench0', 'up']);
    pids.push(spawnDetached(inNs(e.s.ns, ['wireguard-go', '-f', e.dev]), join(DIR, `${e.dev}.log`)));
    await waitFor(`${e.dev}`, 5000, () => (run(inNs(e.s.ns, ['wg', 'show', e.dev])).code === 0 ? true : undefined), 100);
    const keyFile = join(DIR, `${e.dev}.key`);
    writeFileSync(keyFile, keys[i]!, { mode: 0o600 });
    const peerPub = must(['wg', 'pubkey'], { input: keys[1 - i]! }).trim();
    must(inNs(e.s.ns, ['wg', 'set', e.dev, 'private-key', keyFile, 'listen-port', '51900', 'peer', peerPub, 'allowed-ips', `${e.peerTun}/32`, 'endpoint', `${e.peer}:51900`]));
    must(['ip', '-n', e.s.ns, 'addr', 'add', `${e.tun}/30`, 'dev', e.dev]);
    must(['ip', '-n', e.s.ns, 'link', 'set', e.dev, 'up']);
  }
  await waitFor('bare tunnel', 10_000, () => (run(inNs(S1.ns, ['ping', '-c', '1', '-W', '1', '172.31.0.2'])).code === 0 ? true : undefined), 200);
  return () => {
    for (const p of pids) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    run(['ip', '-n', S1.ns, 'link', 'del', 'bench0']);
    rmSync(DIR, { recursive: true, force: true });
    if (madeRunDir) rmSync('/run/wireguard', { recursive: true, force: true });
  };
}

mainOf(() =>
  withLab(async () => {
    const s2 = serverAddresses(S2).ipv4!;
    mkdirSync(DIR, { recursive: true });
    const f0 = fragCounters();
    const overlay = await iperf(s2);
    const f1 = fragCounters();
    const oneHop = await iperf(serverAddresses(S5).ipv4!, S2, S5);
    const f2 = fragCounters();
    const cleanup = await bareTunnel();
    let bare;
    let bareNoGso;
    try {
      bare = await iperf('172.31.0.2');
      // The same tunnel with segmentation offload off on its devices: each TCP segment then
      // reaches wireguard-go alone, as VXLAN-encapsulated frames do in the overlay.
      for (const [s, dev] of [[S1, 'wgb1'], [S2, 'wgb2']] as const) {
        must(['ip', '-n', s.ns, 'link', 'set', 'dev', dev, 'gso_max_segs', '1']);
        must(['ip', '-n', s.ns, 'link', 'set', 'dev', 'bench0', 'gso_max_segs', '1']);
      }
      bareNoGso = await iperf('172.31.0.2');
    } finally {
      cleanup();
    }
    const mtu = run(inNs(S1.ns, ['ping', '-n', '-c', '1', '-W', '2', '-M', 'do', '-s', String(1370 - 28), s2])).code === 0;
    console.log(`\nTCP throughput, iperf3 ${SECONDS} s\n`);
    const pct = (x: number) => `${((x / bare.mbps) * 100).toFixed(0)} %`;
    console.log(table(['path', 'Mbit/s', 'of bare', 'retransmits', 'IP fragments created'], [
      ['S2 → S5: dlan overlay, one link (R2 → R3)', oneHop.mbps.toFixed(0), pct(oneHop.mbps), oneHop.retransmits, f2 - f1],
      ['S1 → S2: dlan overlay, two links (R1 → hub → R2)', overlay.mbps.toFixed(0), pct(overlay.mbps), overlay.retransmits, f1 - f0],
      ['S1 → S2: bare WireGuard (wireguard-go, direct veth)', bare.mbps.toFixed(0), '100 %', bare.retransmits, '-'],
      ['S1 → S2: bare WireGuard, segmentation offload off', bareNoGso.mbps.toFixed(0), pct(bareNoGso.mbps), bareNoGso.retransmits, '-'],
    ]));
    console.log(`\nDF ping of 1370 bytes (the VXLAN MTU) S1 → S2: ${mtu ? 'passes' : 'FAILS'}`);
  }),
);
