// The service actions of one apply, in order, for both backends: each backend gives only its rules
// (which actions a change needs: procd init scripts on OpenWrt, the service manager on Linux) and
// the order of its services (what must run first); this adds the actions that failed on the last
// apply (pending in the ledger) as retries for services the plan does not act on anyway, drops an
// action planned twice, and sorts by service, stably (a service's own actions keep their order).
import type { ServiceAction } from '../backend.ts';

export function orderServiceActions(planned: ServiceAction[], pending: readonly ServiceAction[], order: readonly string[]): ServiceAction[] {
  const argv = (a: ServiceAction) => a.argv.join(' ');
  const out = planned.filter((a, i) => planned.findIndex((b) => argv(b) === argv(a)) === i);
  const acted = new Set(out.map((a) => a.service));
  for (const p of pending) if (!acted.has(p.service)) out.push({ ...p, why: `retry: ${p.why.replace(/^retry: /, '')}` });
  const rank = (s: string) => (order.indexOf(s) + order.length + 1) % (order.length + 1);
  return out.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a.service) - rank(y.a.service) || x.i - y.i).map((x) => x.a);
}
