// The human view of `dlan-agent status`: a few compact lines and tables, colour only on a TTY.
import { shortSha } from '../agent-log.ts';
import type { StatusReport } from './collect-status.ts';

function age(fromIso: string | null | undefined, nowMs: number): string {
  if (!fromIso) return '-';
  const s = Math.round((nowMs - Date.parse(fromIso)) / 1000);
  const abs = Math.abs(s);
  const text = abs < 120 ? `${abs}s` : abs < 7200 ? `${Math.round(abs / 60)}m` : abs < 172800 ? `${Math.round(abs / 3600)}h` : `${Math.round(abs / 86400)}d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function table(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}`.trimEnd());
}

export function formatStatus(r: StatusReport, nowMs: number, color: boolean): string {
  const paint = (code: string, t: string) => (color ? `\x1b[${code}m${t}\x1b[0m` : t);
  const healthText = r.health === 'healthy' ? paint('32', 'healthy') : r.health === 'degraded' ? paint('33', 'degraded') : paint('31', 'FAILED');
  const s = r.sync;
  const out: string[] = [];
  out.push(`router ${r.router ?? '?'}: ${healthText}`);
  const applied = s.applied ? `${shortSha(s.applied.sha)} "${s.applied.subject}" (${s.applied.author}, applied ${age(s.applied.appliedAt, nowMs)})` : 'nothing applied yet';
  out.push(`  sync      ${s.state}; applied ${applied}`);
  out.push(`  remote    ${s.remote ? `${shortSha(s.remote.sha)} (checked ${age(s.remote.checkedAt, nowMs)})` : 'never checked'}`);
  out.push(`  runs      last ${s.lastRun ? `${age(s.lastRun.at, nowMs)}: ${s.lastRun.result} in ${s.lastRun.durationMs} ms` : '-'}; next ${s.nextRun ? age(s.nextRun, nowMs) : '-'}${s.mode ? ` (${s.mode})` : ''}`);
  const run = s.running;
  if (run) out.push(`  running   ${run.alive ? '' : paint('31', 'DIED in ')}${run.phase}${run.sha ? ` of ${shortSha(run.sha)}` : ''} since ${age(run.at, nowMs)}${run.pid ? ` (pid ${run.pid})` : ''}`);
  if (s.lastError) out.push(`  error     ${paint('31', `${s.lastError.phase}${s.lastError.sha ? ` ${shortSha(s.lastError.sha)}` : ''}: ${s.lastError.reason}`)}`);
  if (s.drift?.cause === 'upstreams') out.push(`  upstreams changed ${age(s.drift.at, nowMs)}, nginx rewritten: ${(s.drift.upstreams ?? []).slice(0, 4).join('; ')}`);
  else if (s.drift) out.push(`  drift     ${s.drift.changes.length} item(s) corrected${s.drift.kept ? ' to the restored config' : ''} ${age(s.drift.at, nowMs)}: ${s.drift.changes.slice(0, 4).join(', ')}${s.drift.changes.length > 4 ? ', …' : ''}`);
  if (s.pendingConfirmation) out.push(`  confirm   ${shortSha(s.pendingConfirmation.sha)} waiting; rollback ${age(s.pendingConfirmation.firesAt, nowMs)}`);
  if (s.rollbacks[0]) out.push(`  rollback  ${age(s.rollbacks[0].at, nowMs)} (${s.rollbacks[0].by}): ${s.rollbacks[0].reason}`);
  out.push(`  services  ${Object.entries(r.services).map(([n, st]) => `${n} ${st === 'running' ? paint('32', st) : st === 'stopped' ? paint('31', st) : paint('33', st)}`).join(', ')}`);
  if (!r.wireguard.available) out.push(`  ${r.wireguard.interface}       unknown (${r.wireguard.reason})`);
  else if (r.wireguard.peers.length === 0) out.push(`  ${r.wireguard.interface}       no peers`);
  else {
    out.push(`  ${r.wireguard.interface} peers:`);
    out.push(
      ...table([
        ['peer', 'endpoint', 'handshake', 'rx', 'tx'],
        ...r.wireguard.peers.map((p) => [
          p.router ?? `${p.publicKey.slice(0, 10)}…`,
          p.endpoint ?? '-',
          p.latestHandshakeAgeSeconds === null ? 'never' : `${p.latestHandshakeAgeSeconds}s ago`,
          bytes(p.rxBytes),
          bytes(p.txBytes),
        ]),
      ]),
    );
  }
  if (!r.ospf.available) out.push(`  ospf      unknown (${r.ospf.reason})`);
  else if (r.ospf.neighbors.length === 0) out.push('  ospf      no neighbours');
  else {
    out.push('  ospf neighbours:');
    out.push(...table([['router id', 'state', 'interface', 'protocol'], ...r.ospf.neighbors.map((n) => [n.routerId, n.state, n.interface, n.protocol])]));
  }
  if (!r.bfd.available) out.push(`  bfd       unknown (${r.bfd.reason})`);
  else if (r.bfd.sessions.length) {
    out.push('  bfd sessions:');
    out.push(...table([['address', 'interface', 'state', 'since'], ...r.bfd.sessions.map((b) => [b.address, b.interface, b.state, b.since])]));
  }
  for (const p of r.problems) out.push(`  ! ${p}`);
  return `${out.join('\n')}\n`;
}
