// Per-router status for humans: `dlan-agent status` once the agent has it, until then what the
// daemons say (OSPF neighbors, WireGuard peers with their last handshake).
import { agent, agentHas, inRouter, ospfNeighbors } from './router-cli.ts';
import { ROUTERS, type LabRouter } from './topology.ts';

function fallbackStatus(r: LabRouter): string {
  const neighbors = ospfNeighbors(r);
  const lines = [`  OSPF neighbors: ${neighbors.length === 0 ? 'none' : ''}`];
  for (const n of neighbors) lines.push(`    ${n.instance.padEnd(12)} ${n.routerId.padEnd(10)} ${n.state.padEnd(10)} ${n.iface}`);
  const dump = inRouter(r, ['wg', 'show', 'wg0', 'dump']);
  if (dump.code !== 0) {
    lines.push(`  wg0: ${dump.stderr.trim() || 'absent'}`);
  } else {
    const [, ...peers] = dump.stdout.trim().split('\n');
    const now = Math.floor(Date.now() / 1000);
    lines.push(`  wg0 peers: ${peers.length}`);
    for (const p of peers) {
      const f = p.split('\t');
      const hs = Number(f[4]);
      lines.push(`    ${f[0]!.slice(0, 10)}…  endpoint ${f[2]}  handshake ${hs ? `${now - hs}s ago` : 'never'}  rx ${f[5]} tx ${f[6]}`);
    }
  }
  return lines.join('\n');
}

export function routerStatus(r: LabRouter): string {
  if (agentHas('status')) {
    const out = agent(r, ['status', '--root', r.root]);
    // exit 1 = degraded, 2 = failed: the summary says why, show it either way
    if (out.stdout.trim()) return out.stdout.trimEnd().replace(/^/gm, '  ');
  }
  return fallbackStatus(r);
}

export function allStatus(): string {
  return ROUTERS.map((r) => `${r.name}:\n${routerStatus(r)}`).join('\n');
}
