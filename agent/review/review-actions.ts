// The service actions a reviewed change would run on a router, from the render targets that
// differ, by the router's backend: the same planners apply uses (review is admin-side only, so
// this stays out of the router's QuickJS bundle).
import type { BackendName, ServiceAction } from '../backend/backend.ts';
import { LINUX_FILES } from '../backend/linux/linux-paths.ts';
import { actionsForPaths } from '../backend/linux/linux-backend.ts';
import { systemdManager } from '../backend/linux/service-manager.ts';
import { planServiceActions } from '../backend/openwrt/plan/procd-service-rules.ts';

/** A rendered target that differs between two renderings. */
export interface TargetChange {
  target: string;
  op: 'add' | 'change' | 'delete';
  before: string | null;
  after: string | null;
}

const WG_INTERFACE = 'wg0';

function openwrtActions(changed: TargetChange[]): ServiceAction[] {
  const files = new Map<string, 'add' | 'change' | 'delete'>();
  const packages = new Set<string>();
  let peersChanged = false;
  // Peer sections are the network package's `wireguard_wg0` lines: ifup when any of them differs.
  const peers = (t: string | null) => {
    const lines = (t ?? '').split('\n');
    const names = new Set(lines.filter((l) => l.endsWith(`=wireguard_${WG_INTERFACE}`)).map((l) => l.split(/[.=]/)[1]));
    return lines.filter((l) => names.has(l.split(/[.=]/)[1])).join('\n');
  };
  for (const c of changed) {
    const pkg = /^uci (.+)$/.exec(c.target)?.[1];
    if (pkg === undefined) files.set(c.target, c.op);
    else packages.add(pkg);
    if (pkg === 'network' && peers(c.before) !== peers(c.after)) peersChanged = true;
  }
  return planServiceActions({ packages, peersChanged, wgInterface: WG_INTERFACE, files, odhcpd: null });
}

export function reviewActions(backend: BackendName, changed: TargetChange[]): ServiceAction[] {
  if (backend === 'openwrt') return openwrtActions(changed);
  const nftGone = changed.some((c) => c.target === LINUX_FILES.nftRuleset && c.after === null);
  return actionsForPaths(changed.map((c) => c.target), '/', systemdManager(false), nftGone);
}
