// `plan` of the Linux backend: renders the files, reads what the machine has (files below --root,
// interfaces of the current network namespace, the loaded nft table, which services run) and
// computes the changes and service actions. Reads only; the result also carries what `apply` needs.
import type { BackendContext, Plan, PlannedChange, ServiceAction } from '../backend.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { unifiedDiff } from '../common/unified-diff.ts';
import { resolveNames } from '../common/resolve-names.ts';
import { resolveServiceUpstreams, upstreamNames } from '../../slice/resolve-service-upstreams.ts';
import { readRouterKey } from '../common/router-key.ts';
import { openRouterLinkSecrets } from '../../secrets/open-link-secrets.ts';
import { readCurrentNetState } from './current-net-state.ts';
import { parseLedger, type LinuxLedger, type NetOwnership } from './linux-ledger.ts';
import { LINUX_FILES, NGINX_STREAM_MODULE, underRoot } from './linux-paths.ts';
import { loadedTableComment, renderedTableComment } from './nft-table-state.ts';
import { planInterfaces, type NetStep } from './plan-interfaces.ts';
import { planServiceActions } from './plan-service-actions.ts';
import { renderLinuxFiles, type FileRole, type RenderedFile } from './render-linux-files.ts';
import { detectServiceManager, type ManagedService, type ServiceManager } from './service-manager.ts';

export interface LinuxBackendOptions {
  /** Reconcile interfaces of the current network namespace (default true). */
  manageInterfaces?: boolean;
}

export interface FileWrite {
  file: RenderedFile;
  before: string | null;
}

export interface LinuxPlan extends Plan {
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

export function nftLoadArgv(root: string): string[] {
  return ['nft', '-f', underRoot(root, LINUX_FILES.nftRuleset)];
}

export async function planLinux(state: DesiredState, ctx: BackendContext, opts: LinuxBackendOptions = {}): Promise<LinuxPlan> {
  const { host, root } = ctx;
  const at = (p: string) => underRoot(root, p);
  const ledger = parseLedger(await host.files.read(at(LINUX_FILES.ledger)));
  // A sealed preshared key that cannot be opened (LinkSecretError, AgeKeyError) throws here,
  // before apply writes anything. The keys stay in memory: compared with `wg show dump`, set on stdin.
  const psks = await openRouterLinkSecrets(host, root, state);

  const streamModule = (await host.files.stat(NGINX_STREAM_MODULE)) !== null ? NGINX_STREAM_MODULE : null;
  // nginx only gets addresses: upstream names are resolved here, through the router's resolver.
  const names = upstreamNames(state);
  const upstreamAnswers = names.length > 0 ? await resolveNames(host, names) : null;
  const rendered = upstreamAnswers ? resolveServiceUpstreams(state, upstreamAnswers) : state;
  const files = renderLinuxFiles(rendered, { root, nginxStreamModule: streamModule });
  const changes: PlannedChange[] = [];
  const writes: FileWrite[] = [];
  const changedRoles = new Map<FileRole, string[]>();

  // Interfaces first in the plan: that is the order apply follows.
  let netSteps: NetStep[] = [];
  let ownership: NetOwnership = { devices: ledger.devices, addresses: ledger.addresses, routes: ledger.routes, endpoints: ledger.endpoints };
  if (opts.manageInterfaces !== false) {
    const privateKey = await readRouterKey(host, at(LINUX_FILES.wireguardKey), state.wireguard.publicKey);
    const current = await readCurrentNetState(host, state.wireguard.interface);
    const net = planInterfaces(state, current, ledger, { path: at(LINUX_FILES.wireguardKey), privateKey }, psks);
    netSteps = net.steps;
    ownership = net.ownership;
    changes.push(...netSteps.map((s) => s.change));
  }

  for (const file of files) {
    const before = await host.files.read(at(file.path));
    if (before === file.content) continue;
    writes.push({ file, before });
    changes.push({ kind: 'file', target: file.path, op: before === null ? 'add' : 'change', detail: unifiedDiff(before, file.content, file.path) });
    changedRoles.set(file.role, [...(changedRoles.get(file.role) ?? []), file.path]);
  }
  const renderedPaths = new Set(files.map((f) => f.path));
  const deletes: string[] = [];
  for (const path of ledger.files) {
    if (renderedPaths.has(path)) continue;
    const before = await host.files.read(at(path));
    if (before === null) continue;
    deletes.push(path);
    const original = ledger.takenOver.includes(path) ? await host.files.read(at(`${LINUX_FILES.originals}${path}`)) : null;
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
    changes,
    actions,
    ...(upstreamAnswers ? { upstreamAnswers } : {}),
    ledger,
    files,
    writes,
    deletes,
    netSteps,
    ownership,
    appliedState: serializeAppliedState(state),
    manager,
  };
}
