// Reverse lookups in the lab: `dig -x` from a server's namespace, asking a given DNS server.
import { inNs, runAsync } from './run.ts';
import type { LabServer } from './topology.ts';

/** The PTR names `dig -x address @server` returns from server `s`, sorted (empty: none or an error). */
export async function digReverseFrom(s: LabServer, address: string, server: string): Promise<string[]> {
  const r = await runAsync(inNs(s.ns, ['dig', '+short', '+time=2', '+tries=2', `@${server}`, '-x', address]), { timeoutMs: 15_000 });
  return r.stdout.split('\n').map((x) => x.trim()).filter((x) => x && !x.startsWith(';')).sort();
}
