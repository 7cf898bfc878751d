// `uci batch` exits 0 even when a command fails: the apply engine must notice (stderr, and by
// reading the result back) and abort with nothing committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyUciPlans, UciApplyError } from '../../agent/backend/openwrt/apply/apply-uci-plans.ts';
import { planUciPackage } from '../../agent/backend/openwrt/plan/plan-uci-package.ts';
import { createUciRunner } from '../../agent/backend/openwrt/uci/uci-runner.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { makeStockRoot, referenceConfig, runAgent, seedKey, stockDir, tempDir, treeState, uciDouble, useUciDouble } from './support/openwrt-root.ts';

useUciDouble();
const host = createNodeHost({ log: { log: () => {} } });
const stock = (pkg: string) => readFileSync(join(stockDir, 'etc', 'config', pkg), 'utf8');

function runner(root: string) {
  return createUciRunner(host, { command: [process.execPath, uciDouble], confdir: join(root, 'etc', 'config'), savedir: join(root, 'tmp', 'dlan-uci') });
}

test('a failing command inside the batch is detected and nothing is committed', async () => {
  const root = makeStockRoot();
  const uci = runner(root);
  const current = (await uci.export('network'))!;
  const good = planUciPackage({ pkg: 'network', current, ledger: undefined, mode: 'apply', rendered: [{ name: 'dlan_x', type: 'interface', options: [['proto', 'static']] }], replace: [] });
  const bad = { ...good, commands: [...good.commands, "set network.nosuch.proto='static'"] };
  await assert.rejects(applyUciPlans(host, uci, join(root, 'etc', 'config'), [bad]), (e: unknown) => e instanceof UciApplyError && /Invalid argument.*nothing was committed/s.test(e.message));
  assert.equal(readFileSync(join(root, 'etc', 'config', 'network'), 'utf8'), stock('network'));
  assert.equal((await uci.export('network'))!.sections.length, current.sections.length, 'the staged changes were dropped');
});

test('a batch whose result differs from the plan is detected even without an error message', async () => {
  const root = makeStockRoot();
  const uci = runner(root);
  const current = (await uci.export('network'))!;
  const p = planUciPackage({ pkg: 'network', current, ledger: undefined, mode: 'apply', rendered: [{ name: 'dlan_x', type: 'interface', options: [['proto', 'static']] }], replace: [] });
  // Same commands, but the plan expects something else: the read-back comparison must catch it.
  const wrongExpectation = structuredClone(p.expected);
  wrongExpectation.sections.at(-1)!.options[0]!.value = 'dhcp';
  await assert.rejects(applyUciPlans(host, uci, join(root, 'etc', 'config'), [{ ...p, expected: wrongExpectation }]), /did not produce the expected result.*dlan_x\.proto differs/);
  assert.equal(readFileSync(join(root, 'etc', 'config', 'network'), 'utf8'), stock('network'));
});

test('an apply whose batch fails (a concurrent edit) aborts with nothing committed', async () => {
  const root = makeStockRoot();
  seedKey(root, 'r1');
  process.env.DLAN_UCI_HOOK = join(import.meta.dirname, 'support', 'remove-wan6-before-batch.mjs');
  process.env.DLAN_TEST_MARKER = join(tempDir('marker'), 'm');
  try {
    const r = await runAgent(['apply', '--config', referenceConfig(), '--router', 'r1', '--root', root]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /uci batch for network reported: .*nothing was committed/);
  } finally {
    delete process.env.DLAN_UCI_HOOK;
  }
  const network = readFileSync(join(root, 'etc', 'config', 'network'), 'utf8');
  assert.equal(network, stock('network').replace(/\nconfig interface 'wan6'\n(\t[^\n]*\n)*/, '\n'), 'only the concurrent edit is there');
  for (const pkg of ['firewall', 'dhcp', 'system', 'dropbear']) assert.equal(readFileSync(join(root, 'etc', 'config', pkg), 'utf8'), stock(pkg));
  const left = [...treeState(root).keys()];
  assert.ok(!left.includes('etc/bird.conf') && !left.includes('etc/dlan/ledger.json'), 'no file and no ledger written');
  assert.ok(!left.some((k) => k.startsWith('tmp/dlan-uci/') && readFileSync(join(root, k), 'utf8') !== ''), 'no staged change left behind');
});
