// `plan` of the Linux backend: renders the files, reads what the machine has (files below --root,
// interfaces of the current network namespace, the loaded nft table, which services run) and
// computes the changes and service actions. Reads only; the result also carries what `apply` needs.
import type { BackendContext, Difference, Plan, RenderInputs, ServiceAction } from '../backend.ts';
import { recordOf, withCauses, type RenderRecord } from '../common/change-cause.ts';
import { readRecorded, type Reads } from '../common/prepared-change.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { unifiedDiff } from '../common/unified-diff.ts';
import { resolvePlanNames } from '../common/resolve-names.ts';
import { resolvePeerEndpoints, resolveServiceUpstreams } from '../../slice/resolve-service-upstreams.ts';
import { requireRouterKey } from '../common/router-key.ts';
import { openRouterLinkSecrets } from '../../secrets/open-link-secrets.ts';
import { readCurrentNetState, type CurrentNetState } from './current-net-state.ts';
import { noNetOwnership, type LinuxLedger, type NetOwnership } from './net-ownership.ts';
import { refuseInterrupted } from '../common/apply-intent.ts';
import { readLedger } from '../common/dlan-ledger.ts';
import { LINUX_LEDGER } from './linux-ledger-format.ts';
import { readOriginal } from '../common/migrate-state.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import { LINUX_FILES, NGINX_STREAM_MODULE } from './linux-paths.ts';
import { loadedTableComment, renderedTableComment } from './nft-table-state.ts';
import { planInterfaces, type NetStep } from './plan-interfaces.ts';
import { planServiceActions } from './linux-service-rules.ts';
import { renderLinuxFiles, type FileRole, type RenderedFile } from './render-linux-files.ts';
import { detectServiceManager, type ManagedService, type ServiceManager } from './service-manager.ts';

export interface LinuxBackendOptions {
  /** Reconcile interfaces of the current network namespace (default true). */
  manageInterfaces?: boolean;
  /** Run every program in this named network namespace (`--netns NAME`, netns-host.ts). */
  netns?: string;
}

export interface FileWrite {
  file: RenderedFile;
  before: string | null;
}

export interface LinuxPlan extends Plan {
  /** Every file plan read, for apply's staleness check. */
  reads: Reads;
  /** The interfaces as plan saw them (digest without peer endpoints, which roam); null when unmanaged. */
  netSeen: string | null;
  ledger: LinuxLedger;
  files: RenderedFile[];
  writes: FileWrite[];
  /** Owned files no longer rendered (e.g. SSH keys once admin.ssh_keys is gone). */
  deletes: string[];
  netSteps: NetStep[];
  ownership: NetOwnership;
  appliedState: string;
  manager: ServiceManager;
}

/** Role of each file path, for restore/uninstall where only paths are known. */
export const ROLE_BY_PATH: Record<string, FileRole> = {
  [LINUX_FILES.nftRuleset]: 'nftables',
  [LINUX_FILES.dnsmasqConf]: 'dnsmasq',
  [LINUX_FILES.dnsmasqHosts]: 'dnsmasq-hosts',
  [LINUX_FILES.dnsmasqDhcpHosts]: 'dnsmasq-hosts',
  [LINUX_FILES.birdConf]: 'bird',
  [LINUX_FILES.nginxConf]: 'nginx',
  [LINUX_FILES.sshdDropIn]: 'sshd',
  [LINUX_FILES.authorizedKeys]: 'sshd',
};

export function serializeAppliedState(state: DesiredState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** Which managed services must run for this state, and whether they do (checks are read-only). */
async function runningServices(ctx: BackendContext, manager: ServiceManager): Promise<Map<ManagedService, boolean | null>> {
  const running = new Map<ManagedService, boolean | null>();
  for (const s of ['dnsmasq', 'bird', 'nginx'] as const) {
    const argv = manager.check(s);
    if (argv === null || manager.commands(s, 'start') === null) {
      running.set(s, null);
      continue;
    }
    const r = await ctx.host.exec(argv[0]!, argv.slice(1), { timeoutMs: 10000 });
    running.set(s, r.code === 0);
  }
  return running;
}

/**
 * The interfaces as far as a plan depends on them. Peer endpoints are left out: WireGuard moves
 * them to wherever a peer's packets come from, and the plan sets them only when they differ.
 */
export function netStateText(n: CurrentNetState): string {
  // Order-free: wireguard-go lists peers in no fixed order, so two reads of an unchanged
  // namespace must give the same text however `wg show dump` and `ip -j` order their rows.
  const sorted = (xs: string[]) => [...xs].sort();
  const links = [...n.links.values()].map((l) => ({ ...l, addresses: sorted(l.addresses) })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const peers = n.wireguard?.peers.map((p) => ({ ...p, endpoint: null, allowedIps: sorted(p.allowedIps) })).sort((a, b) => (a.publicKey < b.publicKey ? -1 : 1));
  const wg = n.wireguard && { ...n.wireguard, peers };
  return JSON.stringify({ links, routes: n.defaultRoutes, wg, sysctls: n.sysctls ?? null, wgRoutes: n.wgRoutes ? sorted(n.wgRoutes) : null });
}

/** Pure: the files for this state, the same bytes apply would write below `root`. */
export function renderLinux(state: DesiredState, root: string, nginxStreamModule: string | null, inputs: RenderInputs = {}): RenderedFile[] {
  const served = inputs.upstreamAnswers ? resolveServiceUpstreams(state, inputs.upstreamAnswers) : state;
  return renderLinuxFiles(served, { root, nginxStreamModule });
}

/**
 * Digests per target for the ledger: each file, and `net` (the whole desired state with its
 * endpoint names resolved: coarse on purpose; an endpoint answer that changes is a `dns` change).
 */
function linuxRecord(files: RenderedFile[], state: DesiredState, answers: Record<string, string[]>): RenderRecord {
  return recordOf({ ...Object.fromEntries(files.map((f) => [f.path, f.content])), net: serializeAppliedState(resolvePeerEndpoints(state, answers)) });
}

export function nftLoadArgv(root: string): string[] {
  return ['nft', '-f', underRoot(root, LINUX_FILES.nftRuleset)];
}

export async function planLinux(state: DesiredState, ctx: BackendContext, opts: LinuxBackendOptions = {}): Promise<LinuxPlan> {
  const { host, root } = ctx;
  const at = (p: string) => underRoot(root, p);
  const reads: Reads = new Map();
  await refuseInterrupted(host, root);
  const { ledger } = await readLedger(host, root, LINUX_LEDGER, reads);
  // A sealed preshared key that cannot be opened (LinkSecretError, AgeKeyError) throws here,
  // before apply writes anything. The keys stay in memory: compared with `wg show dump`, set on stdin.
  const psks = await openRouterLinkSecrets(host, root, state);

  const streamModule = (await host.files.stat(NGINX_STREAM_MODULE)) !== null ? NGINX_STREAM_MODULE : null;
  // nginx and wg only get addresses: upstream and endpoint names are resolved here, through the
  // router's resolver (resolve-service-upstreams.ts says why).
  const upstreamAnswers = await resolvePlanNames(host, state, ledger.answers);
  const files = renderLinux(state, root, streamModule, upstreamAnswers ? { upstreamAnswers } : {});
  const recordNow = linuxRecord(files, state, upstreamAnswers ?? {});
  const recordWithLastAnswers = upstreamAnswers && ledger.answers ? linuxRecord(renderLinux(state, root, streamModule, { upstreamAnswers: ledger.answers }), state, ledger.answers) : null;
  const changes: Difference[] = [];
  const writes: FileWrite[] = [];
  const changedRoles = new Map<FileRole, string[]>();

  // Interfaces first in the plan: that is the order apply follows.
  let netSteps: NetStep[] = [];
  let netSeen: string | null = null;
  let ownership: NetOwnership = ledger.own;
  if (opts.manageInterfaces !== false) {
    const privateKey = await requireRouterKey(host, at(LINUX_FILES.wireguardKey), state.wireguard.publicKey, state.router);
    const current = await readCurrentNetState(host, state.wireguard.interface);
    netSeen = netStateText(current);
    const net = planInterfaces(resolvePeerEndpoints(state, upstreamAnswers ?? {}), current, ledger.own, { path: at(LINUX_FILES.wireguardKey), privateKey }, psks);
    netSteps = net.steps;
    ownership = net.ownership;
    changes.push(...netSteps.map((s) => s.change));
  }

  for (const file of files) {
    const before = await readRecorded(host, reads, at(file.path));
    if (before === file.content) continue;
    writes.push({ file, before });
    changes.push({ kind: 'file', target: file.path, op: before === null ? 'add' : 'change', detail: unifiedDiff(before, file.content, file.path) });
    changedRoles.set(file.role, [...(changedRoles.get(file.role) ?? []), file.path]);
  }
  const renderedPaths = new Set(files.map((f) => f.path));
  const deletes: string[] = [];
  for (const path of Object.keys(ledger.files)) {
    if (renderedPaths.has(path)) continue;
    const before = await readRecorded(host, reads, at(path));
    if (before === null) continue;
    deletes.push(path);
    const original = ledger.files[path]!.originalExisted ? await readOriginal(host, reads, root, path, LINUX_LEDGER) : null;
    changes.push({ kind: 'file', target: path, op: original === null ? 'delete' : 'change', detail: unifiedDiff(before, original, path) });
    const role = ROLE_BY_PATH[path];
    if (role) changedRoles.set(role, [...(changedRoles.get(role) ?? []), path]);
  }

  const ruleset = files.find((f) => f.role === 'nftables')!;
  let nftReload: string | null = changedRoles.has('nftables') ? `${ruleset.path} changed` : null;
  if (nftReload === null) {
    const loaded = await loadedTableComment(host);
    if (loaded !== renderedTableComment(ruleset.content)) nftReload = loaded === null ? 'table inet dlan is not loaded' : 'the loaded table inet dlan differs from the ruleset file';
  }

  const manager = await detectServiceManager(host, root);
  const running = await runningServices(ctx, manager);
  const actions: ServiceAction[] = planServiceActions(
    { changed: changedRoles, nftReload, nftArgv: nftLoadArgv(root), running, pending: ledger.pendingActions },
    manager,
  );

  return {
    backend: 'linux',
    router: state.router,
    changes: withCauses(changes, (d) => (d.kind === 'file' ? d.target : 'net'), recordNow, recordWithLastAnswers, ledger.rendered),
    actions,
    ...(upstreamAnswers ? { upstreamAnswers } : {}),
    reads,
    netSeen,
    ledger: { ...ledger, router: state.router, rendered: recordNow, ...(upstreamAnswers ? { answers: upstreamAnswers } : {}) },
    files,
    writes,
    deletes,
    netSteps,
    ownership,
    appliedState: serializeAppliedState(state),
    manager,
  };
}
