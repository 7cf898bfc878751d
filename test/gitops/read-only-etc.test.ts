// Issue #12 item 7: a read-only /etc (and a read-only root), as an OpenWrt router has when its
// overlay is mounted read-only after flash errors. A stock router set up by init and in sync with
// commit A syncs commit B (a WireGuard peer and the WAN rule that opens its port) while part of its
// root is a read-only mount (test/support/read-only-mount.ts: root cannot write there either):
//   - the whole root, /var and /tmp included (the lock cannot even be taken);
//   - the root, with /var and /tmp in RAM as on OpenWrt (lock and heartbeat work, /etc does not);
//   - only /etc/dlan (state, snapshots, ledger cannot be written; /etc/config could be);
//   - only /etc/config (uci commit would fail: `uci: I/O error`, with no reason).
// Every time: the sync exits 1 with one line naming the read-only path and "read-only file
// system" (no stack trace), /etc/config is exactly A's, every dlan section is in the ledger, no
// temp file, no pending confirmation, claim, intent or lock is left to block the next run;
// `status` works on the read-only root and says why syncs fail. Remounted read-write, the next
// sync applies B and uninstall gives back the stock files.
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import type { Backend } from '../../agent/backend/backend.ts';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { TEST_KEYS, stockDir, uciDouble } from '../backend-openwrt/support/openwrt-root.ts';
import { makeReadOnly, mountTmpfs, type ReadOnly } from '../support/read-only-mount.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { Router, soloConfig, type CliRun } from './support/harness.ts';

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

/** Every file below `dir` (relative path → content; symlinks as `-> link`). */
function files(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    if (!existsSync(d)) return;
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

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const SECTION = /^config \S+ '(dlan_[^']+)'$/gm;
const dlanSections = (cfg: Map<string, string>) => [...cfg.entries()].flatMap(([pkg, text]) => [...text.matchAll(SECTION)].map((m) => `${pkg}.${m[1]}`));

/** What a user reads of a run: its output and its log lines. */
const said = (s: CliRun) => `${s.stdout}${s.stderr}\n${s.logs.join('\n')}`;

/** A fresh copy of the template router (no heartbeat or lock of the template's runs). */
function copyOf(template: string, backend: Backend = openwrtBackend): Router {
  const r = new Router(backend);
  for (const name of readdirSync(template)) cpSync(join(template, name), join(r.root, name), { recursive: true, verbatimSymlinks: true });
  rmSync(join(r.root, 'var/run'), { recursive: true, force: true });
  return r;
}

interface Case {
  name: string;
  /** Makes part of the router read-only; returns the folder that is read-only and how to undo it. */
  setup(root: string): { dir: string; ro: ReadOnly };
}

const CASES: Case[] = [
  { name: 'the whole root, /var and /tmp included', setup: (root) => ({ dir: root, ro: makeReadOnly(root) }) },
  {
    name: 'the root, with /var and /tmp in RAM (as on OpenWrt)',
    setup: (root) => {
      mountTmpfs(join(root, 'var'));
      mountTmpfs(join(root, 'tmp'));
      return { dir: root, ro: makeReadOnly(root, [join(root, 'var'), join(root, 'tmp')]) };
    },
  },
  { name: 'only /etc/dlan', setup: (root) => ({ dir: join(root, 'etc/dlan'), ro: makeReadOnly(join(root, 'etc/dlan')) }) },
  { name: 'only /etc/config', setup: (root) => ({ dir: join(root, 'etc/config'), ro: makeReadOnly(join(root, 'etc/config')) }) },
];

test('a read-only /etc or root: a clear error, the old config whole and owned, nothing left behind; once writable the next sync converges', { timeout: 600_000 }, async (t) => {
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
  assert.equal(a.code, 0, said(a));
  const stockCfg = files(join(stockDir, 'etc/config'));
  const oldCfg = files(join(template.root, 'etc/config'));
  const shaB = repo.commit('B', { 'dlan.yaml': linkedConfig(pub) });

  // B as it is applied on a writable copy.
  const reference = copyOf(template.root);
  const b = await reference.cli('sync');
  assert.equal(b.code, 0, said(b));
  const newCfg = files(join(reference.root, 'etc/config'));
  assert.ok(dlanSections(newCfg).includes('network.dlan_peer_2'), 'B adds the WireGuard peer');

  const outcomes: string[] = [];
  for (const c of CASES) {
    await t.test(c.name, async () => {
      const r = copyOf(template.root);
      const etc = join(r.root, 'etc');
      const { dir, ro } = c.setup(r.root);
      const s = await r.cli('sync');
      const out = said(s);
      assert.equal(s.code, 1, out);
      assert.doesNotMatch(out, /TypeError|ReferenceError|\n\s+at \S+ \(|internal error/, 'no stack trace, no crash');
      const lines = s.stdout.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${s.stdout}`);
      assert.match(lines[0]!, /^error: .*read-only file system/i, 'the outcome says it is a read-only file system');
      assert.ok(lines[0]!.includes(dir), `the outcome names a path below the read-only ${dir}: ${lines[0]}`);
      outcomes.push(`${c.name}: ${lines[0]!.replaceAll(r.root, '<root>')}`);

      assert.deepEqual(files(join(etc, 'config')), oldCfg, '/etc/config is exactly A');
      const ledger = readFileSync(join(etc, 'dlan/ledger.json'), 'utf8');
      for (const name of dlanSections(oldCfg)) assert.ok(ledger.includes(`"${name.split('.')[1]}"`), `${name} is not in the ledger`);
      const leftovers = [...files(r.root, (p) => p.startsWith('var/lib/dlan/repo')).keys()].filter((p) => p.split('/').some((part) => part.startsWith('.')) || p.startsWith('etc/dlan/check/'));
      assert.deepEqual(leftovers, [], 'temp files left behind');
      for (const junk of ['etc/dlan/pending.json', 'etc/dlan/pending.claim', 'etc/dlan/apply-intent.json', 'var/run/dlan/sync.lock']) {
        assert.ok(!present(join(r.root, junk)), `${junk} left behind (it would block the next run)`);
      }

      // status only reads: it works on the read-only router and says why syncs fail.
      const st = await r.cli('status', '--json');
      assert.equal(st.code, 2, `${st.stdout}${st.stderr}`);
      const report = JSON.parse(st.stdout);
      assert.equal(report.health, 'failed');
      assert.ok(report.problems.some((p: string) => /read-only file system/i.test(p)), `status does not say it: ${report.problems.join('; ')}`);
      const text = await r.cli('status');
      assert.match(text.stdout, /read-only file system/i);
      outcomes.push(...report.problems.filter((p: string) => /read-only/i.test(p)).map((p: string) => `  status: ${p.replaceAll(r.root, '<root>')}`));

      // Writable again: the next sync applies B (a read-only folder never holds a commit).
      ro.writable();
      const next = await r.cli('sync');
      assert.equal(next.code, 0, said(next));
      assert.deepEqual(files(join(etc, 'config')), newCfg, 'the next sync converged to B');
      assert.equal(JSON.parse(readFileSync(join(etc, 'dlan/state.json'), 'utf8')).applied.sha, shaB);
      const healthy = JSON.parse((await r.cli('status', '--json')).stdout);
      assert.ok(!healthy.problems.some((p: string) => /read-only/i.test(p)), healthy.problems.join('; '));
      const u = await r.cli('uninstall');
      assert.equal(u.code, 0, `uninstall: ${u.stderr}`);
      assert.deepEqual(files(join(etc, 'config'), (p) => p === 'dlan-agent'), stockCfg, 'uninstall left something of dlan\'s');
      assert.ok(!existsSync(join(etc, 'bird.conf')), 'uninstall left bird.conf');
    });
  }
  for (const o of outcomes) t.diagnostic(o);
});

// The same on Debian (the Linux backend under --root, files only: interfaces unmanaged, no service
// actions). A read-only root there keeps /run in RAM but /var/lib (the clone) on the root.
const LINUX_CASES: Case[] = [
  { name: 'Linux: the whole root', setup: (root) => ({ dir: root, ro: makeReadOnly(root) }) },
  {
    name: 'Linux: the root, with /run in RAM (as on Debian)',
    setup: (root) => {
      mountTmpfs(join(root, 'var/run'));
      return { dir: root, ro: makeReadOnly(root, [join(root, 'var/run')]) };
    },
  },
  { name: 'Linux: only /etc/dlan', setup: (root) => ({ dir: join(root, 'etc/dlan'), ro: makeReadOnly(join(root, 'etc/dlan')) }) },
  { name: 'Linux: /etc, all but /etc/dlan', setup: (root) => ({ dir: join(root, 'etc'), ro: makeReadOnly(join(root, 'etc'), [join(root, 'etc/dlan')]) }) },
];

test('Linux: a read-only /etc or root: a clear error, the old files whole, nothing left behind; once writable the next sync converges', { timeout: 600_000 }, async (t) => {
  const backend = createLinuxBackend({ manageInterfaces: false });
  const repo = new ConfigRepo();
  const template = new Router(backend);
  const init = await template.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '60');
  assert.equal(init.code, 0, init.stderr);
  const pub = /public_key: (\S+)/.exec(init.stdout)![1]!;
  // What dlan writes outside its own folder (the daemons' files, the schedule): with A, with B.
  // (Rendered files name paths below --root, a copy's files its template's: compared with roots left out.)
  const theirs = (root: string) => new Map([...files(join(root, 'etc'), (p) => p === 'dlan' || p.startsWith('dlan/'))].map(([p, text]) => [p, text.replace(/\/\S*\/dlan-gitops-root-\w+/g, '<root>')]));
  repo.commit('A', { 'dlan.yaml': soloConfig('192.168.50.0/24', pub) });
  const a = await template.cli('sync');
  assert.equal(a.code, 0, said(a));
  const oldFiles = theirs(template.root);
  const shaB = repo.commit('B', { 'dlan.yaml': linkedConfig(pub) });
  const reference = copyOf(template.root, backend);
  const b = await reference.cli('sync');
  assert.equal(b.code, 0, said(b));
  const newFiles = theirs(reference.root);
  assert.notDeepEqual(newFiles, oldFiles, 'B changes the daemons\' files');

  const outcomes: string[] = [];
  for (const c of LINUX_CASES) {
    await t.test(c.name, async () => {
      const r = copyOf(template.root, backend);
      const { dir, ro } = c.setup(r.root);
      const s = await r.cli('sync');
      const out = said(s);
      assert.equal(s.code, 1, out);
      assert.doesNotMatch(out, /TypeError|ReferenceError|\n\s+at \S+ \(|internal error/, 'no stack trace, no crash');
      const lines = s.stdout.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${s.stdout}`);
      // Checked in the plan, as on OpenWrt: an error, not a rollback of nothing (it used to say "rolled-back").
      assert.match(lines[0]!, /^error: .*read-only file system/i, 'the outcome says it is a read-only file system');
      assert.ok(lines[0]!.includes(dir), `the outcome names a path below the read-only ${dir}: ${lines[0]}`);
      outcomes.push(`${c.name}: ${lines[0]!.replaceAll(r.root, '<root>')}`);

      assert.deepEqual(theirs(r.root), oldFiles, 'the daemons\' files are exactly A\'s');
      const leftovers = [...files(r.root, (p) => p.startsWith('var/lib/dlan/repo')).keys()].filter((p) => p.split('/').some((part) => part.startsWith('.') && part !== '.ssh'));
      assert.deepEqual(leftovers, [], 'temp files left behind');
      for (const junk of ['etc/dlan/pending.json', 'etc/dlan/pending.claim', 'etc/dlan/apply-intent.json', 'var/run/dlan/sync.lock']) {
        assert.ok(!present(join(r.root, junk)), `${junk} left behind (it would block the next run)`);
      }
      const st = await r.cli('status', '--json');
      assert.equal(st.code, 2, `${st.stdout}${st.stderr}`);
      const report = JSON.parse(st.stdout);
      assert.ok(report.problems.some((p: string) => /read-only file system/i.test(p)), `status does not say it: ${report.problems.join('; ')}`);
      outcomes.push(...report.problems.filter((p: string) => /read-only/i.test(p)).map((p: string) => `  status: ${p.replaceAll(r.root, '<root>')}`));

      ro.writable();
      const next = await r.cli('sync');
      assert.equal(next.code, 0, said(next));
      assert.deepEqual(theirs(r.root), newFiles, 'the next sync converged to B');
      assert.equal(JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8')).applied.sha, shaB);
      const u = await r.cli('uninstall');
      assert.equal(u.code, 0, `uninstall: ${u.stderr}`);
      assert.deepEqual(theirs(r.root), new Map(), 'uninstall removed every file dlan wrote outside /etc/dlan (the cron schedule too)');
    });
  }
  for (const o of outcomes) t.diagnostic(o);
});
