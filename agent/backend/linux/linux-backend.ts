// The Linux (Debian) backend: the same desired state as on OpenWrt, applied with `ip`/`wg`
// (reconciled, never flushed), one nft table loaded atomically, and native files for dnsmasq,
// bird and a private nginx. Same contract as the OpenWrt backend: plan writes nothing; apply
// snapshots what it touches, writes only what differs, runs only the actions the changes need;
// a second apply does nothing at all.
import type { ApplyResult, Backend, BackendContext, Difference, Plan, RestoreOptions, ServiceAction } from '../backend.ts';
import { byOperator } from '../common/change-cause.ts';
import { prepare, takePrepared } from '../common/prepared-change.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import type { Host } from '../../host/host.ts';
import { listSnapshots, ownedDrift, readSnapshot, restoreSnapshotFiles, takeSnapshot } from '../common/snapshot-store.ts';
import { readLedger, writeLedger } from '../common/dlan-ledger.ts';
import { refuseInterrupted, underIntent } from '../common/apply-intent.ts';
import { estimateApplyBytes, requireSpace, requireWritable, snapshotBytes } from '../common/flash-space.ts';
import { currentLinuxSnapshotId, LINUX_LEDGER } from './linux-ledger-format.ts';
import { migrateState } from '../common/migrate-state.ts';
import { runServiceActions } from '../common/run-service-actions.ts';
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { requireRouterKey } from '../common/router-key.ts';
import { openRouterLinkSecrets } from '../../secrets/open-link-secrets.ts';
import { unifiedDiff } from '../common/unified-diff.ts';
import { resolvePlanNames } from '../common/resolve-names.ts';
import { resolvePeerEndpoints } from '../../slice/resolve-service-upstreams.ts';
import { checkLinuxFiles } from './check-linux-files.ts';
import { readCurrentNetState } from './current-net-state.ts';
import { noNetOwnership, sortedOwnership, type LinuxLedger, type NetOwnership } from './net-ownership.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import { LINUX_FILES } from './linux-paths.ts';
import { NFT_TABLE } from './render-nftables.ts';
import { planInterfaces, planTeardown, type NetStep } from './plan-interfaces.ts';
import { planServiceActions } from './linux-service-rules.ts';
import { netStateText, nftLoadArgv, planLinux, renderLinux, ROLE_BY_PATH, type LinuxBackendOptions, type LinuxPlan } from './plan-linux.ts';
import { NGINX_STREAM_MODULE } from './linux-paths.ts';
import { runNetSteps } from './run-net-steps.ts';
import { enterNetns } from './netns-host.ts';
import type { FileRole } from './render-linux-files.ts';
import { detectServiceManager, type ManagedService, type ServiceManager } from './service-manager.ts';

const at = (root: string, p: string) => underRoot(root, p);

function publicPlan(p: LinuxPlan): Plan {
  return { backend: p.backend, router: p.router, changes: p.changes, actions: p.actions, ...(p.upstreamAnswers ? { upstreamAnswers: p.upstreamAnswers } : {}) };
}

async function writeIfDifferent(host: Host, path: string, content: string, mode?: number): Promise<void> {
  if ((await host.files.read(path)) !== content) await host.files.write(path, content, mode !== undefined ? { mode } : {});
}

const originalOf = (root: string, path: string) => at(root, `${LINUX_FILES.originals}${path}`);

async function finishActions(host: Host, root: string, ledger: LinuxLedger, actions: ServiceAction[], reload: boolean): Promise<ApplyResult['ran']> {
  const ran = reload ? await runServiceActions(host, actions) : [];
  // Failed actions stay pending: the next apply retries them instead of being a silent no-op.
  ledger.pendingActions = ran.filter((r) => !r.ok).map((r) => r.action);
  await writeLedger(host, root, { ...ledger, own: sortedOwnership(ledger.own) });
  return ran;
}

/** What an apply of `plan` writes or removes: the snapshot's paths. */
function touchedBy(plan: LinuxPlan): string[] {
  return [...plan.files.map((f) => f.path), ...plan.deletes, DLAN_PATHS.ledger, LINUX_FILES.appliedState];
}

/**
 * Room to apply `plan`, asked in the plan as OpenWrt does (flash-space.ts): a read-only or full
 * file system is refused before anything is written, as a failed plan (retried, never held)
 * rather than an apply that "rolled back" nothing.
 */
async function requireRoom(plan: LinuxPlan, ctx: BackendContext): Promise<void> {
  const { host, root } = ctx;
  if (plan.changes.length === 0 && plan.actions.length === 0) return;
  const size = (path: string) => plan.reads.get(at(root, path))?.length ?? null;
  const ledgerSize = size(DLAN_PATHS.ledger) ?? 4096;
  await requireWritable(host, [at(root, DLAN_PATHS.stateDir), ...[...plan.writes.map((w) => w.file.path), ...plan.deletes].map((p) => at(root, p.slice(0, p.lastIndexOf('/'))))]);
  await requireSpace(
    host,
    at(root, DLAN_PATHS.stateDir),
    estimateApplyBytes({
      kept: [snapshotBytes(await Promise.all(touchedBy(plan).map((p) => host.files.read(at(root, p))))), ...plan.writes.map((w) => (w.before !== null && !plan.ledger.files[w.file.path] ? w.before.length : 0))],
      rewritten: [
        ...plan.writes.map((w) => ({ before: w.before?.length ?? null, after: w.file.content.length })),
        { before: size(LINUX_FILES.appliedState), after: plan.appliedState.length },
        { before: ledgerSize, after: 2 * ledgerSize },
      ],
    }),
  );
}

async function applyLinux(plan: LinuxPlan, ctx: BackendContext): Promise<ApplyResult> {
  const { host, root } = ctx;
  if (plan.changes.length === 0 && plan.actions.length === 0) return { ...publicPlan(plan), snapshot: null, ran: [] };

  // nginx -t binds its listen addresses, so nginx is checked once the interfaces have them.
  await checkLinuxFiles(host, root, plan.writes.filter((w) => w.file.role !== 'nginx'));
  const snap = await takeSnapshot(host, root, { paths: touchedBy(plan), reason: `apply ${plan.router}` });
  const snapshot = snap.id;
  host.log.log('info', 'linux apply', { router: plan.router, changes: plan.changes.length, actions: plan.actions.length, snapshot });
  let ran: ApplyResult['ran'] = [];
  // From here to the ledger, an error puts the snapshot back (files and interfaces); a death leaves the intent naming it.
  await underIntent(
    host,
    root,
    snap,
    async () => {
      ran = await writeLinux(plan, ctx, snapshot);
    },
    async () => {
      await restoreLinux({ ...ctx, reload: false }, snapshot, { manageInterfaces: plan.netSeen !== null });
    },
  );
  return { ...publicPlan(plan), snapshot, ran };
}

async function writeLinux(plan: LinuxPlan, ctx: BackendContext, snapshot: string): Promise<ApplyResult['ran']> {
  const { host, root } = ctx;
  const owned = plan.ledger.files;
  const ledger: LinuxLedger = { ...plan.ledger, files: {} };
  try {
    await runNetSteps(host, plan.netSteps, root);
  } catch (e) {
    throw new Error(`interface reconcile failed (snapshot ${snapshot} holds the previous files): ${(e as Error).message}`);
  }
  ledger.own = plan.ownership;
  await checkLinuxFiles(host, root, plan.writes.filter((w) => w.file.role === 'nginx'));

  const takenOver = new Set<string>();
  for (const w of plan.writes) {
    // A file dlan overwrites for the first time: its bytes are saved, so uninstall can put them back.
    if (w.before !== null && !owned[w.file.path]) {
      await host.files.write(originalOf(root, w.file.path), w.before, { mode: 0o600 });
      takenOver.add(w.file.path);
    }
    await host.files.write(at(root, w.file.path), w.file.content, { mode: w.file.mode });
  }
  for (const path of plan.deletes) {
    const original = owned[path]?.originalExisted ? await host.files.read(originalOf(root, path)) : null;
    if (original !== null) await host.files.write(at(root, path), original);
    else await host.files.remove(at(root, path));
  }
  for (const f of plan.files) ledger.files[f.path] = { originalExisted: owned[f.path]?.originalExisted === true || takenOver.has(f.path) };
  if (plan.changes.length > 0) await writeIfDifferent(host, at(root, LINUX_FILES.appliedState), plan.appliedState);

  return finishActions(host, root, ledger, plan.actions, ctx.reload);
}

/** Actions after files were put back by restore/uninstall (and in review): driven by which paths changed. */
export function actionsForPaths(paths: string[], root: string, manager: ServiceManager, nftGone: boolean): ServiceAction[] {
  const changed = new Map<FileRole, string[]>();
  for (const p of paths) {
    const role = ROLE_BY_PATH[p];
    if (role) changed.set(role, [...(changed.get(role) ?? []), p]);
  }
  const actions = planServiceActions(
    { changed, nftReload: changed.has('nftables') && !nftGone ? `${LINUX_FILES.nftRuleset} restored` : null, nftArgv: nftLoadArgv(root), running: new Map(), pending: [] },
    manager,
  );
  if (nftGone) actions.unshift({ service: 'nftables', action: 'delete', argv: ['nft', 'delete', 'table', NFT_TABLE.family, NFT_TABLE.name], why: 'no dlan ruleset any more' });
  return actions;
}

/**
 * Puts a snapshot back, files then interfaces. `onlyDrift`: only the files dlan owned then (all of
 * them its own) whose bytes differ now, the ledger left as it is; the interfaces are reconciled
 * with the restored state as after any restore, so a link deleted by hand comes back too.
 */
async function restoreLinux(ctx: BackendContext, snapshotId: string | undefined, opts: LinuxBackendOptions, how: RestoreOptions = {}): Promise<ApplyResult> {
  const { host, root } = ctx;
  await migrateState(host, root, LINUX_LEDGER);
  const snap = await readSnapshot(host, root, snapshotId && currentLinuxSnapshotId(snapshotId));
  // Kept, not chosen: an apply that died half way is for `restore` to put back, never glossed over.
  if (how.onlyDrift) await refuseInterrupted(host, root);
  const manifest = how.onlyDrift ? { ...snap, files: (await ownedDrift(host, root, snap, LINUX_LEDGER)).files } : snap;
  const before = (await readLedger(host, root, LINUX_LEDGER)).ledger.own;
  const changedPaths = (await restoreSnapshotFiles(host, root, manifest)).map((f) => f.path);
  const restoredLedger = (await readLedger(host, root, LINUX_LEDGER)).ledger;
  const restored = restoredLedger.own;
  const stateText = await host.files.read(at(root, LINUX_FILES.appliedState));
  const state = stateText === null ? null : (JSON.parse(stateText) as DesiredState);

  // Interfaces follow the restored state; what dlan owned before *or* after may be removed.
  const merged: NetOwnership = {
    devices: [...new Set([...before.devices, ...restored.devices])],
    addresses: [...before.addresses, ...restored.addresses.filter((a) => !before.addresses.some((b) => b.device === a.device && b.cidr === a.cidr))],
    routes: [...before.routes, ...restored.routes.filter((r) => !before.routes.some((b) => b.gateway === r.gateway && b.device === r.device))],
    endpoints: restored.endpoints,
  };
  let steps: NetStep[] = [];
  let ownership: NetOwnership = restored;
  if (opts.manageInterfaces !== false) {
    if (state !== null) {
      const key = await requireRouterKey(host, at(root, LINUX_FILES.wireguardKey), state.wireguard.publicKey, state.router);
      const psks = await openRouterLinkSecrets(host, root, state);
      const answers = (await resolvePlanNames(host, state, restoredLedger.answers)) ?? {};
      const net = planInterfaces(resolvePeerEndpoints(state, answers), await readCurrentNetState(host, state.wireguard.interface), merged, { path: at(root, LINUX_FILES.wireguardKey), privateKey: key }, psks);
      steps = net.steps;
      ownership = net.ownership;
    } else {
      steps = planTeardown(await readCurrentNetState(host, 'wg0'), merged);
      ownership = noNetOwnership();
    }
    await runNetSteps(host, steps, root);
  }
  const nftGone = changedPaths.includes(LINUX_FILES.nftRuleset) && (await host.files.read(at(root, LINUX_FILES.nftRuleset))) === null;
  const actions = actionsForPaths(changedPaths, root, await detectServiceManager(host, root), nftGone);
  const ledger: LinuxLedger = { ...restoredLedger, own: ownership };
  const changes = byOperator([...steps.map((s) => s.change), ...changedPaths.map((p) => ({ kind: 'file', target: p, op: 'change' as const, detail: `restored from snapshot ${manifest.id}` }))], how.onlyDrift ? 'drift' : 'config');
  const ran = await finishActions(host, root, ledger, actions, ctx.reload);
  return { backend: 'linux', router: state?.router ?? '', changes, actions, snapshot: manifest.id, ran };
}

async function uninstallLinux(ctx: BackendContext, opts: LinuxBackendOptions): Promise<ApplyResult> {
  const { host, root } = ctx;
  await migrateState(host, root, LINUX_LEDGER);
  const { ledger } = await readLedger(host, root, LINUX_LEDGER);
  const stateText = await host.files.read(at(root, LINUX_FILES.appliedState));
  const router = stateText === null ? '' : (JSON.parse(stateText) as DesiredState).router;
  const owned = Object.keys(ledger.files);
  const touched = [...owned, DLAN_PATHS.ledger, LINUX_FILES.appliedState];
  const snapshot = owned.length > 0 ? (await takeSnapshot(host, root, { paths: touched, reason: 'uninstall' })).id : null;

  let steps: NetStep[] = [];
  if (opts.manageInterfaces !== false) {
    steps = planTeardown(await readCurrentNetState(host, 'wg0'), ledger.own);
    await runNetSteps(host, steps, root);
  }
  const changes: Difference[] = steps.map((s) => s.change);
  const changedPaths: string[] = [];
  for (const path of owned) {
    const now = await host.files.read(at(root, path));
    const original = ledger.files[path]!.originalExisted ? await host.files.read(originalOf(root, path)) : null;
    if (now === original) continue;
    if (original !== null) await host.files.write(at(root, path), original);
    else await host.files.remove(at(root, path));
    changedPaths.push(path);
    changes.push({ kind: 'file', target: path, op: original === null ? 'delete' : 'change', detail: unifiedDiff(now, original, path) });
  }
  const manager = await detectServiceManager(host, root);
  const actions = actionsForPaths(changedPaths, root, manager, changedPaths.includes(LINUX_FILES.nftRuleset));
  // Without its config the private nginx has nothing to serve: stop it rather than reload.
  const stop = (s: ManagedService) => manager.commands(s, 'stop')?.map((argv) => ({ service: s, action: 'stop', argv, why: 'dlan-agent uninstalled' })) ?? [];
  const finalActions = actions.flatMap((a) => (a.service === 'nginx' ? stop('nginx') : [a]));
  const ran = ctx.reload ? await runServiceActions(host, finalActions) : [];
  for (const p of [DLAN_PATHS.ledger, LINUX_FILES.appliedState]) await host.files.remove(at(root, p));
  for (const p of owned) await host.files.remove(originalOf(root, p));
  return { backend: 'linux', router, changes: byOperator(changes), actions: finalActions, snapshot, ran };
}

export function createLinuxBackend(opts: LinuxBackendOptions = {}): Backend {
  // Every entry point that runs a program gets the namespaced host (netns-host.ts): one place.
  const inNs = async (ctx: BackendContext): Promise<BackendContext> => (opts.netns === undefined ? ctx : { ...ctx, host: await enterNetns(ctx.host, opts.netns) });
  return {
    name: 'linux',
    render(state, inputs) {
      const files = renderLinux(state, '/', NGINX_STREAM_MODULE, inputs);
      return { backend: 'linux', targets: files.map((f) => ({ target: f.path, text: f.content })).sort((a, b) => (a.target < b.target ? -1 : 1)) };
    },
    async plan(state, outer) {
      const ctx = await inNs(outer);
      const plan = await planLinux(state, ctx, opts);
      await requireRoom(plan, ctx);
      const wg = state.wireguard.interface;
      const recheck =
        plan.netSeen === null
          ? null
          : { digest: plan.netSeen, changed: async () => (netStateText(await readCurrentNetState(ctx.host, wg)) === plan.netSeen ? [] : [`interfaces of this network namespace`]) };
      return prepare(publicPlan(plan), plan.reads, plan, recheck);
    },
    async apply(prepared, ctx) {
      const plan = await takePrepared<LinuxPlan>(ctx.host, 'linux', prepared);
      await migrateState(ctx.host, ctx.root, LINUX_LEDGER);
      return applyLinux(plan, await inNs(ctx));
    },
    async snapshots(ctx) {
      // Old snapshot folders only: the ledger is not touched between a plan and its apply.
      await LINUX_LEDGER.old.migrateSnapshots!(ctx.host, ctx.root);
      return listSnapshots(ctx.host, ctx.root);
    },
    restore: async (ctx, id, how) => restoreLinux(await inNs(ctx), id, opts, how),
    uninstall: async (ctx) => uninstallLinux(await inNs(ctx), opts),
  };
}

export const linuxBackend: Backend = createLinuxBackend();
