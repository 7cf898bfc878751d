// Issue #12 item 1, the worst moment: the flash fills up after `uci commit` of one package, so the
// next commit fails half way through an apply (the estimate cannot see someone else filling the
// flash). The apply puts its snapshot back at once, with no free page at all (a file goes before
// its content is written again when there is no room for a temp copy): /etc/config and the
// ledger are exactly as before, no temp file, no intent. Once space is freed the apply goes
// through, and uninstall gives back the stock files.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { referenceConfig, runAgent, seedKey, stockDir, tempDir, useUciDouble } from './support/openwrt-root.ts';

const mounts: string[] = [];
after(() => {
  for (const m of mounts) spawnSync('umount', ['-l', m]);
});

function tree(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (skip(relative(dir, p))) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

test('the flash fills up between two uci commits: the apply puts everything back, the next one goes through', async () => {
  const root = tempDir('flash-undo');
  const etc = join(root, 'etc');
  mkdirSync(etc);
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', etc]).status, 0);
  mounts.push(etc);
  cpSync(join(stockDir, 'etc'), etc, { recursive: true });
  writeFileSync(join(etc, 'openwrt_release'), "DISTRIB_ID='OpenWrt'\n");
  seedKey(root, 'r1');
  useUciDouble();
  const a = referenceConfig();
  const first = await runAgent(['apply', '--config', a, '--router', 'r1', '--root', root]);
  assert.equal(first.code, 0, first.stderr);
  const notSnapshots = (p: string) => p.startsWith('dlan/snapshots/');
  const before = tree(etc, notSnapshots);

  // B changes the firewall (no SSH from the WAN) and dhcp (another upstream): two commits.
  const b = referenceConfig((y) => y.replace('ssh_from_wan: true', 'ssh_from_wan: false').replace('upstream: [9.9.9.9,', 'upstream: [9.9.9.10,'));
  process.env.DLAN_UCI_HOOK = join(import.meta.dirname, 'support', 'fill-flash-after-commit.mjs');
  process.env.DLAN_TEST_MARKER = join(tempDir('marker'), 'm');
  process.env.DLAN_TEST_FILL = etc;
  let r;
  try {
    r = await runAgent(['apply', '--config', b, '--router', 'r1', '--root', root]);
  } finally {
    delete process.env.DLAN_UCI_HOOK;
  }
  assert.ok(existsSync(`${process.env.DLAN_TEST_MARKER}.filled`), 'the flash was filled after the first commit');
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /put back as it was \(snapshot \S+\)/);
  assert.deepEqual(tree(etc, (p) => notSnapshots(p) || p === 'ballast'), before, 'config, ledger, originals: exactly as before; no temp file, no intent');

  rmSync(join(etc, 'ballast'));
  const again = await runAgent(['apply', '--config', b, '--router', 'r1', '--root', root]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(readFileSync(join(etc, 'config/firewall'), 'utf8'), /dlan_ssh_wan/);
  const u = await runAgent(['uninstall', '--root', root]);
  assert.equal(u.code, 0, u.stderr);
  for (const pkg of ['network', 'firewall', 'dhcp', 'system', 'dropbear']) assert.equal(readFileSync(join(etc, 'config', pkg), 'utf8'), readFileSync(join(stockDir, 'etc/config', pkg), 'utf8'), pkg);
});
