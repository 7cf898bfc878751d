// Installs the .apk into a temporary root the way apk does (every directory and file of the
// package with its mode, read by the independent reader in apk-reader.ts), then runs its
// post-install / pre-deinstall scripts against the stand-ins of /lib/functions.sh and
// /etc/rc.common (test/package/stand-in/). This checks what only the .apk path exercises:
// default_postinst and default_prerm find the uci-defaults script and the init script through
// /lib/apk/packages/<name>.list, and the package's own scripts run after them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApk } from '../../build/apk/apk-package.ts';
import { readPackageSpec } from '../../build/package-spec.ts';
import { ensureBundles, ROOT } from '../qjs/ensure-bundles.ts';
import { readApk } from './apk-reader.ts';

ensureBundles();
const pkg = readApk(buildApk(readPackageSpec(ROOT, 'dlan-agent'), 1_700_000_000).bytes);
const standIn = join(import.meta.dirname, 'stand-in');
const roots: string[] = [];
process.on('exit', () => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

function install(editConfig?: (t: string) => string) {
  const root = mkdtempSync(join(tmpdir(), 'dlan-apk-root-'));
  roots.push(root);
  for (const dir of pkg.paths) {
    mkdirSync(join(root, dir.name), { recursive: true });
    for (const f of dir.files) {
      const path = join(root, dir.name, f.name);
      writeFileSync(path, pkg.contents.get(`${dir.name ? `/${dir.name}` : ''}/${f.name}`)!);
      chmodSync(path, f.acl.mode);
    }
  }
  copyFileSync(join(standIn, 'functions.sh'), join(root, 'lib', 'functions.sh'));
  copyFileSync(join(standIn, 'rc.common'), join(root, 'etc', 'rc.common'));
  mkdirSync(join(root, 'var', 'run'), { recursive: true });
  const cron = join(root, 'etc', 'init.d', 'cron');
  writeFileSync(cron, `#!/bin/sh\necho "$1" >> "${root}/var/run/cron.calls"\n`);
  chmodSync(cron, 0o755);
  if (editConfig) {
    const cfg = join(root, 'etc', 'config', 'dlan-agent');
    writeFileSync(cfg, editConfig(readFileSync(cfg, 'utf8')));
  }
  const scripts = join(root, 'scripts');
  mkdirSync(scripts);
  for (const [name, body] of Object.entries(pkg.scripts)) writeFileSync(join(scripts, name), body, { mode: 0o755 });
  const run = (script: string, env: Record<string, string> = {}) =>
    spawnSync('sh', [join(scripts, script)], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', IPKG_INSTROOT: root, DLAN_TEST_LIVE: '1', ...env } });
  const file = (rel: string) => (existsSync(join(root, rel)) ? readFileSync(join(root, rel), 'utf8') : null);
  return { root, run, file, actions: () => (file('var/run/procd/dlan-agent.actions') ?? '').split('\n').filter(Boolean) };
}

test('post-install: the uci-defaults script found through lib/apk/packages/dlan-agent.list runs and is deleted, the service is enabled and started, then the package\'s own postinst', () => {
  const r = install();
  const res = r.run('post-install');
  assert.equal(res.status, 0, res.stderr);
  assert.equal(r.file('etc/uci-defaults/90-dlan-agent'), null, 'found through the .list, run, deleted');
  assert.equal(readlinkSync(join(r.root, 'etc/rc.d/S95dlan-agent')), '../init.d/dlan-agent');
  assert.deepEqual(r.actions(), ['enable', 'start']);
  assert.match(res.stderr, /not started: set the config repo first/);
  // The Makefile's postinst body ran after default_postinst (it stops early in an image build only).
  const image = install();
  const imageRes = image.run('post-install', { DLAN_TEST_LIVE: '0' });
  assert.equal(imageRes.status, 0, imageRes.stderr);
  assert.deepEqual(image.actions(), ['enable']);
  assert.notEqual(image.file('etc/uci-defaults/90-dlan-agent'), null, 'kept for the first boot');
});

test('post-upgrade keeps the enabled state (PKG_UPGRADE=1: start, no enable), IPKG_NO_SCRIPT=1 skips', () => {
  const r = install();
  const res = r.run('post-upgrade');
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(r.actions(), ['start']);
  const skipped = install();
  assert.equal(skipped.run('post-install', { IPKG_NO_SCRIPT: '1' }).status, 0);
  assert.deepEqual(skipped.actions(), []);
});

test('cron mode: post-install adds the crontab line, pre-deinstall stops and disables the service and takes the line out', () => {
  const r = install((t) => t.replace("#option repo 'https://git.example.net/net/dlan-config.git'", "option repo 'https://git.example.net/net/dlan-config.git'").replace("option mode 'daemon'", "option mode 'cron'"));
  mkdirSync(join(r.root, 'etc/crontabs'), { recursive: true });
  writeFileSync(join(r.root, 'etc/crontabs/root'), '0 4 * * * /sbin/reboot\n');
  assert.equal(r.run('post-install').status, 0);
  assert.match(r.file('etc/crontabs/root')!, /^\*\/5 \* \* \* \* \/usr\/bin\/dlan-agent sync --jitter/m);
  const rm = r.run('pre-deinstall');
  assert.equal(rm.status, 0, rm.stderr);
  assert.equal(r.file('etc/crontabs/root'), '0 4 * * * /sbin/reboot\n');
  assert.deepEqual(r.actions().slice(-2), ['disable', 'stop']);
  assert.equal(existsSync(join(r.root, 'etc/rc.d/S95dlan-agent')), false);
});
