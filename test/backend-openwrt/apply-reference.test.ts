// keygen + apply of the reference routers r1..r5 on the stock OpenWrt fixture, through the uci
// test double: the committed UCI and the written files must match the golden files under
// test/fixtures/openwrt-golden/<router>/ byte for byte; a second apply must change nothing.
// After an intended change: UPDATE_GOLDEN=1 node test/run-tests.mjs backend-openwrt/apply-reference
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeStockRoot, referenceConfig, repoRoot, runAgent, seedKey, TEST_KEYS, treeState, uciVerbs, useUciDouble } from './support/openwrt-root.ts';

const goldenDir = join(repoRoot, 'test', 'fixtures', 'openwrt-golden');
const update = process.env.UPDATE_GOLDEN === '1';
const log = useUciDouble();
const config = referenceConfig();

/** The files of the router tree that make up the result (snapshots and scratch files excluded). */
const RESULT = (rel: string) => rel.startsWith('etc/dlan/snapshots') || rel.startsWith('etc/dlan/check') || rel.startsWith('tmp/') || rel === 'etc/dlan/wireguard.key';

for (const router of ['r1', 'r2', 'r3', 'r4', 'r5']) {
  test(`keygen + apply ${router} on stock OpenWrt gives the golden UCI and files; a second apply changes nothing`, async () => {
    const root = makeStockRoot();
    seedKey(root, router);
    const keygen = await runAgent(['keygen', '--root', root]);
    assert.equal(keygen.stdout.trim(), TEST_KEYS[router]!.publicKey);

    const first = await runAgent(['apply', '--config', config, '--router', router, '--root', root]);
    assert.equal(first.code, 0, first.stderr + first.logs.join('\n'));
    assert.match(first.stdout, /network reload/);

    const result = treeState(root, RESULT);
    for (const [rel, { content }] of result) {
      const golden = join(goldenDir, router, rel);
      if (update) {
        mkdirSync(dirname(golden), { recursive: true });
        writeFileSync(golden, content);
      }
      assert.ok(existsSync(golden), `unexpected file ${rel} (UPDATE_GOLDEN=1 to accept)`);
      assert.equal(content, readFileSync(golden, 'utf8'), `${router}: ${rel} differs from the golden file`);
    }
    for (const rel of ['etc/config/network', 'etc/config/firewall', 'etc/config/dhcp', 'etc/bird.conf', 'etc/dlan/ledger.json']) {
      assert.ok(result.has(rel), `${rel} was written`);
    }

    writeFileSync(log, '');
    const before = treeState(root);
    const second = await runAgent(['apply', '--config', config, '--router', router, '--root', root]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /no changes/);
    assert.doesNotMatch(second.stdout, /Service actions/);
    const verbs = uciVerbs(log);
    assert.deepEqual(verbs.filter((v) => v !== 'export'), [], 'no uci write on the second apply');
    assert.deepEqual(treeState(root), before, 'no file written, not even a snapshot');

    const plan = await runAgent(['plan', '--config', config, '--router', router, '--root', root]);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  });
}
