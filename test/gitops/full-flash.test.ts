// Issue #12 item 1: the flash fills up during an apply. /etc of a stock OpenWrt tree is a real
// small tmpfs (as /overlay is on a router: /var and /tmp stay elsewhere, in RAM) with a ballast
// file leaving a chosen number of free pages; the router, already running commit A, syncs
// commit B (a WireGuard peer and the WAN rule that opens its port). At every level:
//   - /etc/config is exactly A's or exactly B's, never a mix;
//   - every section dlan-agent wrote is in its ledger (so uninstall can find it);
//   - no temp file is left, and no pending confirmation or claim (the next run would wait for it);
//   - when it did not apply, the message names the folder, what is needed and what is free;
// and once the ballast is gone the next sync applies B, and uninstall gives back the stock files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync, lstatSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import type { Backend } from '../../agent/backend/backend.ts';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { TEST_KEYS, stockDir, uciDouble } from '../backend-openwrt/support/openwrt-root.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { fakeBackend } from './support/fake-backend.ts';
import { Router, soloConfig } from './support/harness.ts';

const PAGE = 4096;
const mounts: string[] = [];
after(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
});

/** A new tmpfs of `size` at `dir` (created), unmounted when the file's tests end. */
function mountTmpfs(dir: string, size: string): string {
  mkdirSync(dir);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  assert.equal(m.status, 0, `mount tmpfs: ${m.stderr}`);
  mounts.push(dir);
  return dir;
}

/** Commit B: solo gets an endpoint and a link to `peer`, who dials it (so solo opens its WireGuard port on the WAN). */
function linkedConfig(solo: string): string {
  return `${soloConfig('192.168.50.0/24', solo).replace('    wan: [ { device: wan } ]', '    endpoint: 203.0.113.9\n    wan: [ { device: wan } ]')}  peer:
    id: 2
    public_key: ${TEST_KEYS.r2!.publicKey}
    wan: [ { device: wan } ]
    lan:
      - { device: br-lan, ipv4: 192.168.51.0/24 }
links:
  - [solo, peer]
`;
}

/** Every file below `dir` (relative path → content); symlinks as `-> target`. */
function files(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (skip(rel)) continue;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(rel, st.isSymbolicLink() ? '-> link' : readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Whether anything is at `path`: the claim is a symlink to a token, dangling (existsSync would say no). */
function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Leaves `pages` free pages on the file system of `dir` (a ballast file takes the rest). */
function fillLeaving(dir: string, pages: number): string {
  const ballast = join(dir, 'ballast');
  const take = freeBytes(dir) - pages * PAGE;
  assert.ok(take >= 0, `only ${freeBytes(dir)} bytes free, wanted ${pages} pages`);
  writeFileSync(ballast, Buffer.alloc(take));
  assert.equal(freeBytes(dir), pages * PAGE, 'the ballast leaves exactly the pages asked for');
  return ballast;
}

const SECTION = /^config \S+ '(dlan_[^']+)'$/gm;

/** Names of the sections dlan-agent writes (all named dlan_*) in each /etc/config package. */
function dlanSections(cfg: Map<string, string>): string[] {
  return [...cfg.entries()].flatMap(([pkg, text]) => [...text.matchAll(SECTION)].map((m) => `${pkg}.${m[1]}`));
}

/** A router root whose /etc is its own 1 MB tmpfs (as /overlay on a router), holding a copy of `template`'s tree. */
function mountedCopy(template: string): { r: Router; etc: string } {
  const r = new Router(openwrtBackend);
  const etc = mountTmpfs(join(r.root, 'etc'), '1m');
  for (const name of readdirSync(template)) cpSync(join(template, name), join(r.root, name), { recursive: true, verbatimSymlinks: true });
  rmSync(join(r.root, 'var/run'), { recursive: true, force: true });
  return { r, etc };
}

const T = { timeout: 600_000 };

test('a full flash during an apply leaves the old or the new config, all of it owned, and the next sync converges', T, async (t) => {
  assert.ok(existsSync(uciDouble), `${uciDouble} is missing: run \`npm run build\` first`);
  process.env.DLAN_UCI = `${process.execPath} ${uciDouble}`;
  t.after(() => delete process.env.DLAN_UCI);

  // The template: a stock router set up by init and in sync with commit A.
  const repo = new ConfigRepo();
  const template = new Router(openwrtBackend);
  cpSync(join(stockDir, 'etc'), join(template.root, 'etc'), { recursive: true });
  writeFileSync(join(template.root, 'etc/openwrt_release'), "DISTRIB_ID='OpenWrt'\n");
  const init = await template.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '60');
  assert.equal(init.code, 0, init.stderr);
  const pub = /public_key: (\S+)/.exec(init.stdout)![1]!;
  repo.commit('A', { 'dlan.yaml': soloConfig('192.168.50.0/24', pub) });
  const a = await template.cli('sync');
  assert.equal(a.code, 0, `${a.stdout}${a.logs.join('\n')}`);
  const stockCfg = files(join(stockDir, 'etc/config'));
  const oldCfg = files(join(template.root, 'etc/config'));
  const shaB = repo.commit('B', { 'dlan.yaml': linkedConfig(pub) });

  let newCfg: Map<string, string> | null = null;
  const outcomes: string[] = [];
  // `null`: no ballast (the reference run, first); else the free pages left.
  for (const pages of [null, ...Array.from({ length: 13 }, (_, i) => i)]) {
    const level = pages === null ? 'plenty' : `${pages} free page(s)`;
    await t.test(level, async () => {
      const { r, etc } = mountedCopy(template.root);
      const ballast = pages === null ? null : fillLeaving(etc, pages);
      const s = await r.cli('sync');
      const cfg = files(join(etc, 'config'));
      if (newCfg === null) {
        assert.equal(s.code, 0, `${level}: ${s.stdout}${s.logs.join('\n')}`);
        newCfg = cfg;
        assert.notDeepEqual(newCfg, oldCfg);
        assert.ok(dlanSections(newCfg).includes('network.dlan_peer_2'), 'B adds the WireGuard peer');
        assert.ok(dlanSections(newCfg).includes('firewall.dlan_udp_51820'), 'and opens its port on the WAN');
      }
      assert.ok(newCfg, 'the reference run (plenty of space) applied B');
      const isOld = JSON.stringify([...cfg]) === JSON.stringify([...oldCfg]);
      const isNew = JSON.stringify([...cfg]) === JSON.stringify([...newCfg]);
      const said = `${s.stdout}\n${s.logs.join('\n')}`;
      outcomes.push(`${level}: exit ${s.code}, ${isNew ? 'B' : isOld ? 'A' : 'a MIX'}: ${s.stdout.trim()}`);
      assert.ok(isOld || isNew, `${level}: /etc/config is neither A's nor B's\n${said}`);
      assert.notEqual(s.code, 70, `${level}: the agent crashed\n${said}`);
      const ledger = readFileSync(join(etc, 'dlan/ledger.json'), 'utf8');
      for (const name of dlanSections(cfg)) assert.ok(ledger.includes(`"${name.split('.')[1]}"`), `${level}: ${name} is not in the ledger`);
      const leftovers = [...files(etc).keys()].filter((p) => p.split('/').some((part) => part.startsWith('.')) || p.startsWith('dlan/check/'));
      assert.deepEqual(leftovers, [], `${level}: temp files left behind`);
      assert.ok(!existsSync(join(etc, 'dlan/pending.json')), `${level}: pending.json left behind (the next sync would wait for it)`);
      assert.ok(!present(join(etc, 'dlan/pending.claim')), `${level}: pending.claim left behind`);
      if (isOld) assert.match(said, /not enough free space in \S*\/etc\/dlan: .*needs .* free/, `${level}: the refusal does not say that the flash is full`);

      // Space is freed: the next sync applies B; uninstall gives back the stock configuration.
      if (ballast) rmSync(ballast);
      const next = await r.cli('sync');
      assert.equal(next.code, 0, `${level}: the sync after freeing space: ${next.stdout}${next.logs.join('\n')}`);
      assert.deepEqual(files(join(etc, 'config')), newCfg, `${level}: the next sync did not converge to B`);
      assert.equal(JSON.parse(readFileSync(join(etc, 'dlan/state.json'), 'utf8')).applied.sha, shaB);
      const u = await r.cli('uninstall');
      assert.equal(u.code, 0, `${level}: uninstall: ${u.stderr}`);
      assert.deepEqual(files(join(etc, 'config'), (p) => p === 'dlan-agent'), stockCfg, `${level}: uninstall left something of dlan's`);
      assert.ok(!existsSync(join(etc, 'bird.conf')), `${level}: uninstall left bird.conf`);
    });
  }
  t.diagnostic(outcomes.join('\n'));
});

test('a rollback that cannot be recorded (flash full) lets go of its claim: the next sync recovers at once', T, async () => {
  const repo = new ConfigRepo();
  repo.commit('A', { 'dlan.yaml': soloConfig() });
  let fillOnApply = false;
  let ballast = '';
  const fake = fakeBackend();
  // The apply fills the flash and fails, as a write that hits ENOSPC would; the rollback's restore
  // (the fake keeps its router outside /etc) works, recording it in state.json cannot.
  const backend: Backend = {
    ...fake,
    async apply(prepared, ctx) {
      if (!fillOnApply) return fake.apply(prepared, ctx);
      fillOnApply = false;
      ballast = fillLeaving(join(ctx.root, 'etc'), 0);
      throw new Error('ENOSPC: no space left on device, write');
    },
  };
  const r = new Router(backend);
  const etc = mountTmpfs(join(r.root, 'etc'), '256k');
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '60')).code, 0);
  assert.equal((await r.cli('sync')).code, 0);

  const shaB = repo.commit('B', { 'dlan.yaml': soloConfig('192.168.70.0/24') });
  fillOnApply = true;
  const failed = await r.cli('sync');
  assert.notEqual(failed.code, 0);
  assert.ok(!present(join(etc, 'dlan/pending.claim')), `the claim is left held:\n${failed.logs.join('\n')}`);
  assert.ok(existsSync(join(etc, 'dlan/pending.json')), 'the unrecorded rollback is still pending: the next run records it');

  rmSync(ballast);
  const next = await r.cli('sync');
  assert.equal(next.code, 0, `${next.stdout}${next.logs.join('\n')}`);
  assert.ok(next.logs.some((l) => /phase=rollback .*by=recovery/.test(l)), next.logs.join('\n'));
  const state = JSON.parse(readFileSync(join(etc, 'dlan/state.json'), 'utf8'));
  assert.equal(state.applied.sha, shaB, 'recorded the rollback, then applied B');
  assert.ok(!existsSync(join(etc, 'dlan/pending.json')));
});
