// OSPF neighbours and BFD sessions from `birdc show ospf neighbors` / `show bfd sessions`.
import type { Host } from '../../host/host.ts';
import type { Probe } from './probe-wireguard.ts';

export interface OspfNeighbor {
  protocol: string;
  routerId: string;
  /** e.g. `Full/PtP`. */
  state: string;
  interface: string;
  address: string;
}

export interface BfdSession {
  protocol: string;
  address: string;
  interface: string;
  /** `Up`, `Down`, `Init`, `AdminDown`. */
  state: string;
  since: string;
}

/** birdc prints `BIRD x ready.`, then per protocol `name:` and a header line, then rows. */
function tables(text: string): { protocol: string; rows: string[][] }[] {
  const out: { protocol: string; rows: string[][] }[] = [];
  let current: { protocol: string; rows: string[][] } | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || /^BIRD .* ready\.$/.test(line)) continue;
    const head = /^([A-Za-z0-9_-]+):$/.exec(line);
    if (head) {
      current = { protocol: head[1]!, rows: [] };
      out.push(current);
      continue;
    }
    if (!current || /^(Router ID|IP address)\s/.test(line)) continue;
    current.rows.push(line.trim().split(/\s+/));
  }
  return out;
}

export function parseOspfNeighbors(text: string): OspfNeighbor[] {
  return tables(text).flatMap(({ protocol, rows }) =>
    rows.filter((r) => r.length >= 6).map((r) => ({ protocol, routerId: r[0]!, state: r[2]!, interface: r[4]!, address: r[5]! })),
  );
}

export function parseBfdSessions(text: string): BfdSession[] {
  return tables(text).flatMap(({ protocol, rows }) =>
    rows.filter((r) => r.length >= 4).map((r) => ({ protocol, address: r[0]!, interface: r[1]!, state: r[2]!, since: r[3]! })),
  );
}

async function birdc<T>(
  host: Host,
  socket: string | null,
  args: string[],
  parse: (t: string) => T,
  timeoutMs: number,
  /** An answer that means "nothing to show" although birdc exits 1 with it. */
  empty?: { pattern: RegExp; value: T },
): Promise<Probe<T>> {
  const r = await host.exec('birdc', [...(socket ? ['-s', socket] : []), ...args], { timeoutMs });
  if (empty && empty.pattern.test(r.stdout)) return { available: true, value: empty.value };
  // birdc exits 0 even when it cannot connect; it then prints "Unable to connect to server".
  const text = `${r.stdout}\n${r.stderr}`;
  if (r.code !== 0 || /Unable to connect|Connection refused|No such file/i.test(text)) {
    return { available: false, reason: r.code === 124 ? 'birdc timed out' : r.code === 127 ? 'birdc not installed' : 'bird is not answering' };
  }
  if (/^\d{4}-|syntax error|Unknown command/im.test(r.stdout) && !/ready\./.test(r.stdout)) {
    return { available: false, reason: r.stdout.trim().split('\n')[0] ?? 'birdc error' };
  }
  return { available: true, value: parse(r.stdout) };
}

export function probeOspf(host: Host, socket: string | null, timeoutMs: number): Promise<Probe<OspfNeighbor[]>> {
  return birdc(host, socket, ['show', 'ospf', 'neighbors'], parseOspfNeighbors, timeoutMs);
}

/** No BFD protocol in bird.conf (BFD is off on every link): no sessions, not an unknown. */
const NO_BFD = /There is no BFD protocol running/;

export function probeBfd(host: Host, socket: string | null, timeoutMs: number): Promise<Probe<BfdSession[]>> {
  return birdc(host, socket, ['show', 'bfd', 'sessions'], parseBfdSessions, timeoutMs, { pattern: NO_BFD, value: [] });
}
