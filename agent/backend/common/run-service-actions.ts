// Runs the service actions of an apply or restore, the same rules on both backends:
//  - in order, each with one timeout, ACTION_TIMEOUT_MS (120 s): the slowest graceful action is a
//    restart or a network reload on a small router (procd waits for the daemon, netifd for every
//    interface), tens of seconds when loaded; cut off sooner, a reload still in progress would be
//    reported failed and retried. (Linux had 60 s: no reason was given for two values.)
//  - a failed `check` (fw4 check before a firewall reload) skips the rest of that service: loading
//    a configuration its own checker refused would break what runs now; other services still run.
//  - an action that failed or was skipped stays pending in the ledger (keepPending), and the next
//    apply retries it (order-service-actions.ts): the router is not "no changes" until it ran.
import type { ApplyResult, ServiceAction } from '../backend.ts';
import type { Host } from '../../host/host.ts';
import { readLedger, writeLedger, type LedgerFormat } from './dlan-ledger.ts';

export const ACTION_TIMEOUT_MS = 120_000;

export async function runServiceActions(host: Host, actions: ServiceAction[]): Promise<ApplyResult['ran']> {
  const ran: ApplyResult['ran'] = [];
  const failedChecks = new Set<string>();
  for (const a of actions) {
    if (failedChecks.has(a.service)) {
      ran.push({ action: a, ok: false, output: `skipped: the ${a.service} check failed` });
      continue;
    }
    const r = await host.exec(a.argv[0]!, a.argv.slice(1), { timeoutMs: ACTION_TIMEOUT_MS });
    const ok = r.code === 0;
    if (!ok && a.action === 'check') failedChecks.add(a.service);
    host.log.log(ok ? 'info' : 'error', `${a.service} ${a.action}`, { exit: r.code });
    ran.push({ action: a, ok, output: `${r.stdout}${r.stderr}`.trim() });
  }
  return ran;
}

/** Records in the ledger which actions of `ran` failed or were skipped (none: the list is emptied). */
export async function keepPending<Own>(host: Host, root: string, f: LedgerFormat<Own>, ran: ApplyResult['ran']): Promise<void> {
  const { ledger, text } = await readLedger(host, root, f);
  if (text !== null) await writeLedger(host, root, { ...ledger, pendingActions: ran.filter((r) => !r.ok).map((r) => r.action) });
}
