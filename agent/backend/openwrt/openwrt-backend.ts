// The OpenWrt backend: renders one router's desired state as UCI sections and files, compares
// them with what the router has (through `uci export` and the ownership ledger), writes only the
// difference (uci batch → verify → commit; atomic file writes), and runs only the service actions
// that difference needs. Every path is below `ctx.root`.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import type { ApplyResult, Backend, BackendContext, Difference, Plan, ServiceAction, Settled } from '../backend.ts';
import { byOperator, recordOf, withCauses } from '../common/change-cause.ts';
import { listRecorded, prepare, readRecorded, takePrepared, type Reads } from '../common/prepared-change.ts';
import type { Host } from '../../host/host.ts';
import { openRouterLinkSecrets } from '../../secrets/open-link-secrets.ts';
import { resolvePlanNames } from '../common/resolve-names.ts';
import { recordingHost, settledOf } from '../common/settled.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { applyUciPlans } from './apply/apply-uci-plans.ts';
import { checkRenderedFiles } from './apply/check-files.ts';
import { emptyLedger, ledgerFile, readLedger, serializeLedger, writeLedger } from '../common/dlan-ledger.ts';
import { migrateState, readOriginal } from '../common/migrate-state.ts';
import { keepPending, runServiceActions } from '../common/run-service-actions.ts';
import { listSnapshots, ownedDrift, readSnapshot, restoreSnapshotFiles, takeSnapshot, type Snapshot } from '../common/snapshot-store.ts';
import { refuseInterrupted, underIntent } from '../common/apply-intent.ts';
import { estimateApplyBytes, requireSpace, requireWritable, snapshotBytes } from '../common/flash-space.ts';
import { statePaths, type StatePaths } from './openwrt-paths.ts';
import { noUciOwnership, ownsNothing, type OpenwrtLedger, type PackageLedger } from './uci-ownership.ts';
import { OPENWRT_LEDGER } from './openwrt-ledger-format.ts';
import { checkDeviceConflicts } from './plan/check-device-conflicts.ts';
import { unifiedDiff } from '../common/unified-diff.ts';
import type { ChangeSummary } from './plan/procd-service-rules.ts';
import { planServiceActions } from './plan/procd-service-rules.ts';
import type { PackagePlan } from './plan/plan-uci-package.ts';
import { matches, OwnershipConflictError, planUciPackage } from './plan/plan-uci-package.ts';
import type { RenderedFile } from './render/render-files.ts';
import { NGINX_STREAM_FILE } from './render/render-files.ts';
import { openwrtTexts, renderOpenwrt, type OpenwrtRendering } from './render/render-openwrt.ts';
import { UCI_PACKAGES, type RenderedSection, type RenderedUci, type SectionSelector } from './render/rendered-uci.ts';
import type { RenderRecord } from '../common/change-cause.ts';
import { requireRouterKey } from '../common/router-key.ts';
import { describeMissingPackages, missingPackages } from './required-packages.ts';
import { parseUciText } from '../../base/parse-uci-text.ts';
import { getOption, samePackage, type UciPackage, type UciSection, type UciValue } from './uci/uci-model.ts';
import { createUciRunner, uciCommandFromEnv } from './uci/uci-runner.ts';

const WG_INTERFACE = 'wg0';
const LEDGER_PATH = DLAN_PATHS.ledger;

interface FileOp {
  path: string;
  op: 'add' | 'change' | 'delete';
  /** New content (`null` for delete). */
  content: string | null;
  mode: number;
}

interface InternalPlan {
  plan: Plan;
  reads: Reads;
  paths: StatePaths;
  packagePlans: PackagePlan[];
  fileOps: FileOp[];
  rendered: RenderedFile[];
  oldLedger: OpenwrtLedger;
  ledger: OpenwrtLedger;
  ledgerChanged: boolean;
  /** Original contents to save on first touch: router path → content. */
  originalsToSave: Map<string, string>;
  settled: Settled | null;
}

const configPath = (pkg: string) => `/etc/config/${pkg}`;

async function odhcpdEnabled(host: Host, root: string, reads: Reads): Promise<boolean | null> {
  if ((await host.files.stat(`${root}/etc/init.d/odhcpd`)) === null) return null;
  const links = (await listRecorded(host, reads, `${root}/etc/rc.d`)) ?? [];
  return links.some((n) => /^S\d+odhcpd$/.test(n));
}

async function streamModuleLoadedElsewhere(host: Host, root: string): Promise<boolean> {
  const dir = `${root}/etc/nginx/module.d`;
  for (const name of (await host.files.list(dir)) ?? []) {
    if (!name.endsWith('.module') || `/etc/nginx/module.d/${name}` === NGINX_STREAM_FILE) continue;
    if (/ngx_stream_module/.test((await host.files.read(`${dir}/${name}`)) ?? '')) return true;
  }
  return false;
}

/** Refuses to commit over a user's pending `uci` changes: uci would commit them along with ours. */
async function checkNoPendingUserChanges(host: Host, root: string, pkgs: string[], reads: Reads): Promise<void> {
  if (root !== '') return; // only the live /tmp/.uci of a real router is shared with the user
  for (const pkg of pkgs) {
    const delta = await readRecorded(host, reads, `/tmp/.uci/${pkg}`);
    if (delta !== null && delta.trim() !== '') {
      throw new OwnershipConflictError(`${pkg} has uncommitted changes in /tmp/.uci (see \`uci changes ${pkg}\`): commit or revert them first`);
    }
  }
}

/**
 * Digests of the rendered targets for the ledger. Secrets stay masked (no digest of a key on
 * flash); the sealed preshared keys (ciphertext, from the config) stand in for them, so a new
 * preshared key in the config is a config change, not drift.
 */
function renderRecord(state: DesiredState, r: OpenwrtRendering): RenderRecord {
  const texts = openwrtTexts(r);
  texts['uci network'] += state.links.map((l) => l.sealedPresharedKey ?? '').join('\n');
  return recordOf(texts);
}

/** Which render-record key a change belongs to: its UCI package, its file, or odhcpd. */
function causeKey(d: Difference): string {
  if (d.kind === 'uci') return `uci ${d.target.split('.')[0]}`;
  return d.kind === 'service' ? 'odhcpd' : d.target;
}

async function computePlan(state: DesiredState | null, ctx: BackendContext): Promise<InternalPlan> {
  const recording = recordingHost(ctx.host);
  const { host } = recording;
  const paths = statePaths(ctx.root);
  const reads: Reads = new Map();
  await refuseInterrupted(host, ctx.root);
  const { ledger: oldLedger, text: ledgerText } = await readLedger(host, ctx.root, OPENWRT_LEDGER, reads);
  if (state && oldLedger.router !== null && oldLedger.router !== state.router) {
    throw new OwnershipConflictError(`this router was set up by dlan-agent as ${oldLedger.router}, not ${state.router}: run \`dlan-agent uninstall\` first to change its identity`);
  }
  const mode = state ? 'apply' : 'uninstall';
  let rendered: RenderedUci | null = null;
  let files: RenderedFile[] = [];
  let upstreamAnswers: Record<string, string[]> | null = null;
  let recordNow: RenderRecord = {};
  let recordWithLastAnswers: RenderRecord | null = null;
  if (state) {
    const privateKey = await requireRouterKey(host, paths.key, state.wireguard.publicKey, state.router);
    // A key that cannot be opened (LinkSecretError, AgeKeyError) throws here, before anything is
    // written: never a link brought up without its preshared key.
    const psks = await openRouterLinkSecrets(host, paths.root, state);
    // nginx gets addresses, never names it would have to resolve at load (see resolve-service-upstreams).
    upstreamAnswers = await resolvePlanNames(host, state, oldLedger.answers);
    const inputs = { privateKey, psks, streamModuleLoadedElsewhere: await streamModuleLoadedElsewhere(host, paths.root) };
    const r = renderOpenwrt(state, { ...inputs, ...(upstreamAnswers ? { upstreamAnswers } : {}) });
    rendered = r.uci;
    files = r.files;
    recordNow = renderRecord(state, r);
    if (upstreamAnswers && oldLedger.answers) recordWithLastAnswers = renderRecord(state, renderOpenwrt(state, { ...inputs, upstreamAnswers: oldLedger.answers }));
  }
  const uci = createUciRunner(host, { command: uciCommandFromEnv(host), confdir: paths.confdir, savedir: paths.savedir });
  const ledger: OpenwrtLedger = { ...emptyLedger('openwrt', noUciOwnership()), router: state?.router ?? null };
  if (state) {
    ledger.rendered = recordNow;
    if (upstreamAnswers) ledger.answers = upstreamAnswers;
  }
  const packagePlans: PackagePlan[] = [];
  const originalsToSave = new Map<string, string>();
  // The bytes behind `uci export` (read first: a change after them is seen by apply, which compares
  // them instead of exporting again), then one export of all packages.
  for (const pkg of UCI_PACKAGES) await readRecorded(host, reads, `${paths.confdir}/${pkg}`);
  // What uci shows also depends on staged changes in the private save folder (settled.ts).
  for (const pkg of UCI_PACKAGES) await host.files.read(`${paths.savedir}/${pkg}`);
  const exported = await uci.exportAll(UCI_PACKAGES);
  for (const pkg of UCI_PACKAGES) {
    const current = exported.get(pkg) ?? null;
    const p = planUciPackage({
      pkg,
      current,
      ledger: oldLedger.own.packages[pkg],
      mode,
      rendered: rendered?.sections[pkg] ?? [],
      replace: rendered?.replace[pkg] ?? [],
    });
    if (state && pkg === 'network') checkDeviceConflicts(state, p.expected, new Set(Object.keys(p.ledger?.owned ?? {})));
    if (p.ledger) ledger.own.packages[pkg] = p.ledger;
    if (p.ledger && !oldLedger.own.packages[pkg] && p.ledger.originalExisted) {
      const text = reads.get(`${paths.confdir}/${pkg}`) ?? null;
      if (text !== null) originalsToSave.set(configPath(pkg), text);
    }
    packagePlans.push(p);
  }
  await checkNoPendingUserChanges(host, paths.root, packagePlans.filter((p) => p.commands.length).map((p) => p.pkg), reads);

  const fileOps: FileOp[] = [];
  const changes: Difference[] = packagePlans.flatMap((p) => p.changes);
  for (const f of files) {
    const cur = await readRecorded(host, reads, `${paths.root}${f.path}`);
    const prev = oldLedger.files[f.path];
    ledger.files[f.path] = { originalExisted: prev ? prev.originalExisted : cur !== null };
    if (!prev && cur !== null) originalsToSave.set(f.path, cur);
    if (cur !== f.content) {
      const op = cur === null ? 'add' : 'change';
      fileOps.push({ path: f.path, op, content: f.content, mode: f.mode });
      changes.push({ kind: 'file', target: f.path, op, detail: unifiedDiff(cur, f.content, f.path) });
    }
  }
  for (const [path, entry] of Object.entries(oldLedger.files)) {
    if (ledger.files[path]) continue;
    const cur = await readRecorded(host, reads, `${paths.root}${path}`);
    const original = entry.originalExisted ? await readOriginal(host, reads, ctx.root, path, OPENWRT_LEDGER) : null;
    if (original !== null) {
      if (cur !== original) {
        fileOps.push({ path, op: 'change', content: original, mode: 0o644 });
        changes.push({ kind: 'file', target: path, op: 'change', detail: `original content put back\n${unifiedDiff(cur, original, path)}` });
      }
    } else if (cur !== null) {
      fileOps.push({ path, op: 'delete', content: null, mode: 0 });
      changes.push({ kind: 'file', target: path, op: 'delete', detail: 'no longer in the desired state' });
    }
  }

  let odhcpd: ChangeSummary['odhcpd'] = null;
  const missing = state ? await missingPackages(host, paths.root, state) : null;
  if (missing) host.log.log('warn', describeMissingPackages(missing));
  // Without dnsmasq-full (as the package database says) dnsmasq cannot serve DHCPv6 and RA, so
  // odhcpd keeps doing it: disabling it would leave the LAN without router advertisements.
  const needsDhcpv6 = (state?.lan.some((l) => l.dhcp?.ipv6) ?? false) && !missing?.missing.some((p) => p.name === 'dnsmasq-full');
  const enabled = await odhcpdEnabled(host, paths.root, reads);
  ledger.own.odhcpdDisabled = oldLedger.own.odhcpdDisabled;
  if (needsDhcpv6 && enabled === true) {
    odhcpd = 'disable';
    ledger.own.odhcpdDisabled = true;
  } else if (!needsDhcpv6 && oldLedger.own.odhcpdDisabled) {
    if (enabled === false) odhcpd = 'enable';
    ledger.own.odhcpdDisabled = false;
  }
  recordNow.odhcpd = needsDhcpv6 ? 'dhcpv6' : 'none';
  if (odhcpd) changes.push({ kind: 'service', target: 'odhcpd', op: 'change', detail: odhcpd === 'disable' ? 'disable odhcpd: dnsmasq serves DHCPv6 and RA' : 'enable odhcpd again' });

  const summary: ChangeSummary = {
    packages: new Set(packagePlans.filter((p) => p.commands.length > 0).map((p) => p.pkg)),
    peersChanged: packagePlans.some((p) => p.pkg === 'network' && p.changedTypes.has(`wireguard_${WG_INTERFACE}`)),
    wgInterface: WG_INTERFACE,
    files: new Map(fileOps.map((f) => [f.path, f.op])),
    odhcpd,
  };
  const newLedger = serializeLedger(ledger);
  const ledgerChanged = ledgerText !== newLedger;
  // Room on flash, asked before anything is written (flash-space.ts): a full flash is refused here.
  const uciWrites = packagePlans.filter((p) => p.commands.length > 0);
  if (uciWrites.length || fileOps.length || ledgerChanged) {
    const size = (path: string) => reads.get(underRoot(paths.root, path))?.length ?? null;
    const snapshot = snapshotBytes(snapshotPaths(packagePlans, fileOps, files, oldLedger).map((p) => reads.get(underRoot(paths.root, p)) ?? null));
    const bytes = estimateApplyBytes({
      kept: [snapshot, ...[...originalsToSave.values()].map((c) => c.length)],
      rewritten: [
        // A package grows by at most its batch's text.
        ...uciWrites.map((p) => ({ before: size(configPath(p.pkg)), after: (size(configPath(p.pkg)) ?? 0) + p.commands.join('\n').length })),
        ...fileOps.map((f) => ({ before: size(f.path), after: f.content?.length ?? null })),
        { before: ledgerText?.length ?? null, after: newLedger.length },
      ],
    });
    // The mount table is no input of the plan's: read past the recording host (settled.ts).
    await requireWritable(ctx.host, [paths.stateDir, ...(uciWrites.length ? [paths.confdir, paths.savedir] : []), ...fileOps.map((f) => underRoot(paths.root, f.path.slice(0, f.path.lastIndexOf('/'))))]);
    await requireSpace(host, paths.stateDir, bytes);
  }
  return {
    plan: {
      backend: 'openwrt',
      router: state?.router ?? oldLedger.router ?? '',
      changes: state ? withCauses(changes, causeKey, recordNow, recordWithLastAnswers, oldLedger.rendered) : byOperator(changes),
      actions: planServiceActions(summary, state ? oldLedger.pendingActions : []),
      ...(upstreamAnswers ? { upstreamAnswers } : {}),
    },
    reads,
    paths,
    packagePlans,
    fileOps,
    rendered: files,
    oldLedger,
    ledger,
    ledgerChanged,
    originalsToSave,
    // Resolved names (service upstreams, WireGuard endpoints) make the plan depend on DNS answers,
    // not only on bytes: never skipped, so an endpoint that does not resolve yet is asked for again.
    settled: upstreamAnswers ? null : settledOf(recording.seen),
  };
}

/** Every file an apply may touch: its snapshot holds them all (with the ledger). */
function snapshotPaths(packagePlans: PackagePlan[], fileOps: FileOp[], rendered: RenderedFile[], oldLedger: OpenwrtLedger): string[] {
  return [...packagePlans.map((p) => configPath(p.pkg)), ...fileOps.map((f) => f.path), ...rendered.map((f) => f.path), ...Object.keys(oldLedger.files), LEDGER_PATH];
}

/** After uninstall: where nothing of the user's changed, put the original bytes back (comments and all). */
async function restorePristineFiles(host: Host, ip: InternalPlan): Promise<void> {
  const { paths } = ip;
  for (const [pkg, pl] of Object.entries(ip.oldLedger.own.packages)) {
    const live = `${paths.confdir}/${pkg}`;
    const current = await host.files.read(live);
    if (current === null) continue;
    if (!pl.originalExisted) {
      if (parseUciText(current, pkg).sections.length === 0) await host.files.remove(live);
      continue;
    }
    const original = await host.files.read(`${paths.originals}${configPath(pkg)}`);
    if (original === null || original === current) continue;
    let same = false;
    try {
      same = samePackage(parseUciText(current, pkg), parseUciText(original, pkg));
    } catch {
      same = false;
    }
    if (same) await host.files.write(live, original);
  }
}

async function execute(ip: InternalPlan, ctx: BackendContext, reason: string): Promise<ApplyResult> {
  const { host } = ctx;
  const { paths } = ip;
  const touched = ip.packagePlans.some((p) => p.commands.length > 0) || ip.fileOps.length > 0 || ip.plan.changes.length > 0 || ip.plan.actions.length > 0;
  if (!touched && !ip.ledgerChanged) return { ...ip.plan, snapshot: null, ran: [] };

  const writing = ip.fileOps.filter((f) => f.op !== 'delete').map((f) => f.path);
  await checkRenderedFiles(host, ip.rendered.filter((f) => writing.includes(f.path)), underRoot(paths.root, DLAN_PATHS.openwrtScratch));

  const snapshot = await takeSnapshot(host, ctx.root, { paths: snapshotPaths(ip.packagePlans, ip.fileOps, ip.rendered, ip.oldLedger), reason });
  // From here to the ledger, an error puts the snapshot back and a death leaves the intent naming it.
  await underIntent(host, ctx.root, snapshot, async () => {
    for (const [path, content] of ip.originalsToSave) {
      const dest = `${paths.originals}${path}`;
      if ((await host.files.read(dest)) === null) await host.files.write(dest, content, { mode: 0o600 });
    }
    await applyUciPlans(host, createUciRunner(host, { command: uciCommandFromEnv(host), confdir: paths.confdir, savedir: paths.savedir }), paths.confdir, ip.packagePlans);
    for (const f of ip.fileOps) {
      if (f.op === 'delete') await host.files.remove(`${paths.root}${f.path}`);
      else await host.files.write(`${paths.root}${f.path}`, f.content!, { mode: f.mode });
    }
    if (ownsNothing(ip.ledger) && ip.ledger.router === null) {
      await restorePristineFiles(host, ip);
      // Nothing is owned any more: the saved originals have served their purpose.
      for (const pkg of Object.keys(ip.oldLedger.own.packages)) await host.files.remove(`${paths.originals}${configPath(pkg)}`);
      for (const path of Object.keys(ip.oldLedger.files)) await host.files.remove(`${paths.originals}${path}`);
      await host.files.remove(ledgerFile(ctx.root));
    } else if (ip.ledgerChanged) {
      await writeLedger(host, ctx.root, ip.ledger);
    }
  });
  const ran = ctx.reload ? await runServiceActions(host, ip.plan.actions) : [];
  await keepPending(host, ctx.root, OPENWRT_LEDGER, ran);
  return { ...ip.plan, snapshot: snapshot.id, ran };
}

function summaryForRestore(changed: Map<string, 'add' | 'change' | 'delete'>, networkTexts: (string | null)[]): ChangeSummary {
  const packages = new Set<string>();
  const files = new Map<string, 'add' | 'change' | 'delete'>();
  for (const [p, op] of changed) {
    const m = /^\/etc\/config\/(.+)$/.exec(p);
    if (m) packages.add(m[1]!);
    else files.set(p, op);
  }
  return {
    packages,
    peersChanged: packages.has('network') && networkTexts.some((t) => t !== null && t.includes(`wireguard_${WG_INTERFACE}`)),
    wgInterface: WG_INTERFACE,
    files,
    odhcpd: null,
  };
}

/** The stock section an adopted selector names in `p` (not one dlan created), as the planner finds it. */
function adoptedIn(p: UciPackage, sel: SectionSelector, owned: Record<string, unknown>): UciSection | undefined {
  const ofType = p.sections.filter((s) => s.type === sel.type);
  if (sel.index !== undefined && sel.name === undefined && !sel.match) return ofType[sel.index];
  return ofType.find((s) => !(s.name !== null && s.name in owned) && matches(s, sel));
}

/** dlan's sections of a package as a snapshot holds it, as the planner's input: each with dlan's options as they were. */
function sectionsAsThen(was: UciPackage, pl: PackageLedger): RenderedSection[] {
  const options = (s: UciSection | undefined, names: string[]) => names.map((o): [string, UciValue | null] => [o, (s && getOption(s, o)) ?? null]);
  const out: RenderedSection[] = Object.entries(pl.adopted).map(([name, a]) => ({ name, type: a.selector.type, adopt: a.selector, options: options(adoptedIn(was, a.selector, pl.owned), Object.keys(a.original)) }));
  for (const [name, o] of Object.entries(pl.owned)) {
    const s = was.sections.find((x) => x.name === name);
    if (s) out.push({ name, type: s.type, options: options(s, o.options) });
  }
  return out;
}

/**
 * `restore(…, {onlyDrift})`: what dlan owned in `snap` put back where the router no longer has
 * it. In a UCI package only dlan's sections and options (the snapshot's ledger), through the
 * apply's planner and checked `uci batch`, so a user's edit elsewhere in the file stays; dlan's
 * files byte for byte. While everything matches it reads files only: no `uci`, no write.
 */
async function keepSnapshot(ctx: BackendContext, paths: StatePaths, snap: Snapshot): Promise<ApplyResult> {
  const { host } = ctx;
  await refuseInterrupted(host, ctx.root);
  const { ledger, files } = await ownedDrift(host, ctx.root, snap, OPENWRT_LEDGER);
  const plans: PackagePlan[] = [];
  for (const [pkg, pl] of Object.entries(ledger.own.packages)) {
    const was = snap.files.find((f) => f.path === configPath(pkg))?.content ?? null;
    const now = await host.files.read(`${paths.confdir}/${pkg}`);
    if (was === null || was === now) continue;
    const p = planUciPackage({ pkg, current: now === null ? null : parseUciText(now, pkg), ledger: pl, mode: 'apply', rendered: sectionsAsThen(parseUciText(was, pkg), pl), replace: [] });
    if (p.commands.length) plans.push(p);
  }
  await checkNoPendingUserChanges(host, paths.root, plans.map((p) => p.pkg), new Map());
  await applyUciPlans(host, createUciRunner(host, { command: uciCommandFromEnv(host), confdir: paths.confdir, savedir: paths.savedir }), paths.confdir, plans);
  const restored = files.length ? await restoreSnapshotFiles(host, ctx.root, { ...snap, files }) : [];
  if (plans.length) {
    // A section the planner had to create again (its stock one gone) is dlan's: the ledger says so.
    const current = (await readLedger(host, ctx.root, OPENWRT_LEDGER)).ledger;
    for (const p of plans) if (p.ledger) current.own.packages[p.pkg] = p.ledger;
    await writeLedger(host, ctx.root, current);
  }
  const actions = planServiceActions({
    packages: new Set(plans.map((p) => p.pkg)),
    peersChanged: plans.some((p) => p.pkg === 'network' && p.changedTypes.has(`wireguard_${WG_INTERFACE}`)),
    wgInterface: WG_INTERFACE,
    files: new Map(restored.map((f) => [f.path, f.op])),
    odhcpd: null,
  });
  const ran = ctx.reload ? await runServiceActions(host, actions) : [];
  if (actions.length) await keepPending(host, ctx.root, OPENWRT_LEDGER, ran);
  const changes = [...plans.flatMap((p) => p.changes), ...restored.map((f): Difference => ({ kind: 'file', target: f.path, op: f.op, detail: `restored from snapshot ${snap.id}` }))];
  return { backend: 'openwrt', router: ledger.router ?? '', changes: byOperator(changes, 'drift'), actions, snapshot: snap.id, ran };
}

export const openwrtBackend: Backend = {
  name: 'openwrt',

  render(state, inputs) {
    const texts = openwrtTexts(renderOpenwrt(state, inputs));
    return { backend: 'openwrt', targets: Object.entries(texts).map(([target, text]) => ({ target, text })) };
  },

  async plan(state, ctx) {
    const ip = await computePlan(state, ctx);
    const prepared = prepare(ip.plan, ip.reads, ip);
    if (ip.settled) prepared.settled = ip.settled;
    return prepared;
  },

  async apply(prepared, ctx) {
    const ip = await takePrepared<InternalPlan>(ctx.host, 'openwrt', prepared);
    await migrateState(ctx.host, ctx.root, OPENWRT_LEDGER);
    return execute(ip, ctx, `apply ${ip.plan.router}`);
  },

  async snapshots(ctx) {
    return listSnapshots(ctx.host, ctx.root);
  },

  async uninstall(ctx) {
    await migrateState(ctx.host, ctx.root, OPENWRT_LEDGER);
    return execute(await computePlan(null, ctx), ctx, 'uninstall');
  },

  async restore(ctx, snapshotId, opts) {
    const { host } = ctx;
    const paths = statePaths(ctx.root);
    await migrateState(host, ctx.root, OPENWRT_LEDGER);
    const snap = await readSnapshot(host, ctx.root, snapshotId);
    if (opts?.onlyDrift) return keepSnapshot(ctx, paths, snap);
    const changed = new Map<string, 'add' | 'change' | 'delete'>();
    const changes: Difference[] = [];
    const networkTexts: (string | null)[] = [];
    for (const f of await restoreSnapshotFiles(host, ctx.root, snap)) {
      if (f.path === configPath('network')) networkTexts.push(f.before, snap.files.find((s) => s.path === f.path)!.content);
      changed.set(f.path, f.op);
      if (f.path !== LEDGER_PATH) changes.push({ kind: 'file', target: f.path, op: f.op, detail: `restored from snapshot ${snap.id}` });
    }
    for (const pkg of UCI_PACKAGES) await host.files.remove(`${paths.savedir}/${pkg}`);
    changed.delete(LEDGER_PATH);
    const actions = planServiceActions(summaryForRestore(changed, networkTexts));
    const ran = ctx.reload ? await runServiceActions(host, actions) : [];
    await keepPending(host, ctx.root, OPENWRT_LEDGER, ran);
    return { backend: 'openwrt', router: '', changes: byOperator(changes), actions, snapshot: snap.id, ran };
  },
};
