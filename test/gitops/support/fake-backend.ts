// A Backend for GitOps tests that keeps its "router" in one file below the root
// (`<root>/fake/current.json`: the applied desired state), takes real snapshots in
// `<root>/etc/dlan/snapshots/` (the layout the agent lists), logs every call to
// `<root>/fake/calls.log`, and works across processes (the rollback timer runs in another one).
// A LAN of 192.168.66.0/24 in the config "breaks the network": apply moves the config repo's bare
// remote away (so the agent can no longer reach it) and restore puts it back.
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyResult, Backend, BackendContext, Plan, PreparedChange } from '../../../agent/backend/backend.ts';
import type { DesiredState } from '../../../agent/slice/desired-state.ts';

export const BREAKING_LAN = '192.168.66.0/24';

export interface FakeOptions {
  /** The bare repo to move away when the config asks to break the network. */
  remoteBare?: string;
  applyDelayMs?: number;
  planDelayMs?: number;
}

function dir(ctx: BackendContext): string {
  return join(ctx.root, 'fake');
}

function log(ctx: BackendContext, line: string): void {
  mkdirSync(dir(ctx), { recursive: true });
  appendFileSync(join(dir(ctx), 'calls.log'), `${Date.now()} ${process.pid} ${line}\n`);
}

export function calls(root: string): string[] {
  const f = join(root, 'fake', 'calls.log');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ').slice(2).join(' ')) : [];
}

export function callLines(root: string): { at: number; pid: number; call: string }[] {
  const f = join(root, 'fake', 'calls.log');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
    const [at, pid, ...rest] = l.split(' ');
    return { at: Number(at), pid: Number(pid), call: rest.join(' ') };
  });
}

export function currentFile(root: string): string {
  return join(root, 'fake', 'current.json');
}

function render(state: DesiredState): string {
  return `${JSON.stringify(state, null, 1)}\n`;
}

function snapDir(ctx: BackendContext): string {
  return join(ctx.root, 'etc', 'dlan', 'snapshots');
}

let seq = 0;

export function fakeBackend(opts: FakeOptions = {}): Backend {
  const planOf = (state: DesiredState | null, ctx: BackendContext): Plan => {
    const cur = existsSync(currentFile(ctx.root)) ? readFileSync(currentFile(ctx.root), 'utf8') : null;
    const want = state ? render(state) : null;
    const changes = cur === want ? [] : [{ kind: 'file', target: '/fake/current.json', op: cur === null ? ('add' as const) : ('change' as const), detail: '', cause: 'config' as const }];
    return { backend: 'linux', router: state?.router ?? '', changes, actions: changes.length ? [{ service: 'fake', action: 'reload', argv: ['true'], why: 'changed' }] : [] };
  };
  // The desired state each prepared plan was made for (apply writes that, as a real backend would).
  const states = new WeakMap<PreparedChange, DesiredState>();
  return {
    name: 'linux',
    render: (state) => ({ backend: 'linux', targets: [{ target: '/fake/current.json', text: render(state) }] }),
    async plan(state, ctx) {
      log(ctx, 'plan');
      if (opts.planDelayMs) await new Promise((r) => setTimeout(r, opts.planDelayMs));
      const prepared = { ...planOf(state, ctx), fingerprint: '' };
      states.set(prepared, state);
      return prepared;
    },
    async snapshots(ctx) {
      return existsSync(snapDir(ctx)) ? readdirSync(snapDir(ctx)).map((n) => n.replace(/\.json$/, '')).sort() : [];
    },
    async apply(prepared, ctx): Promise<ApplyResult> {
      const state = states.get(prepared);
      if (!state) throw new Error('fake backend: apply of a plan it did not make');
      log(ctx, 'apply-start');
      const plan = planOf(state, ctx);
      if (plan.changes.length === 0) {
        log(ctx, 'apply-end nothing');
        return { ...plan, snapshot: null, ran: [] };
      }
      mkdirSync(snapDir(ctx), { recursive: true });
      const id = `${String(Date.now()).padStart(15, '0')}-${String(++seq).padStart(4, '0')}-${process.pid}`;
      const cur = existsSync(currentFile(ctx.root)) ? readFileSync(currentFile(ctx.root), 'utf8') : null;
      writeFileSync(join(snapDir(ctx), `${id}.json`), JSON.stringify({ content: cur }));
      if (opts.applyDelayMs) await new Promise((r) => setTimeout(r, opts.applyDelayMs));
      writeFileSync(currentFile(ctx.root), render(state));
      if (opts.remoteBare && state.lan.some((l) => l.ipv4.cidr === BREAKING_LAN) && existsSync(opts.remoteBare)) {
        renameSync(opts.remoteBare, `${opts.remoteBare}.away`);
        writeFileSync(join(dir(ctx), 'broke'), opts.remoteBare);
      }
      log(ctx, `apply-end ${id}`);
      return { ...plan, snapshot: id, ran: ctx.reload ? plan.actions.map((a) => ({ action: a, ok: true, output: '' })) : [] };
    },
    async restore(ctx, snapshotId, how) {
      const ids = readdirSync(snapDir(ctx)).map((n) => n.replace(/\.json$/, '')).sort();
      const id = snapshotId ?? ids[ids.length - 1];
      const snap = JSON.parse(readFileSync(join(snapDir(ctx), `${id}.json`), 'utf8')) as { content: string | null };
      if (how?.onlyDrift) {
        // What a real backend does for a kept snapshot: nothing while the router matches it.
        const cur = existsSync(currentFile(ctx.root)) ? readFileSync(currentFile(ctx.root), 'utf8') : null;
        if (cur === snap.content) return { backend: 'linux', router: '', changes: [], actions: [], snapshot: id ?? null, ran: [] };
        log(ctx, `keep ${id}`);
        if (snap.content === null) rmSync(currentFile(ctx.root), { force: true });
        else writeFileSync(currentFile(ctx.root), snap.content);
        return { backend: 'linux', router: '', changes: [{ kind: 'file', target: '/fake/current.json', op: 'change', detail: '', cause: 'drift' }], actions: [], snapshot: id ?? null, ran: [] };
      }
      log(ctx, `restore ${id}`);
      if (snap.content === null) rmSync(currentFile(ctx.root), { force: true });
      else writeFileSync(currentFile(ctx.root), snap.content);
      const broke = join(dir(ctx), 'broke');
      if (existsSync(broke)) {
        const bare = readFileSync(broke, 'utf8');
        if (existsSync(`${bare}.away`)) renameSync(`${bare}.away`, bare);
        rmSync(broke);
      }
      return { backend: 'linux', router: '', changes: [], actions: [], snapshot: id ?? null, ran: [] };
    },
    async uninstall() {
      throw new Error('not in the fake');
    },
  };
}
