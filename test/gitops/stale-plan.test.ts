// The router changed between plan and apply (someone else ran `uci` in between): the backend
// refuses the plan it made (StalePlanError, nothing written). The cycle plans once more and
// applies that plan against what the router has now; when the router changes under that plan
// too, the cycle ends as `stale`: nothing was written, so nothing is rolled back, the commit is
// not held, and the next run tries again. Real OpenWrt backend, uci double, real git.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Backend } from '../../agent/backend/backend.ts';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { makeStockRoot, uci, useUciDouble } from '../backend-openwrt/support/openwrt-root.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { Router, soloConfig } from './support/harness.ts';

const T = { timeout: 180_000 };

/** The OpenWrt backend, with a user who adds a firewall rule (uci add/set/commit) right after each of the next `times` plans. */
function busyRouter(root: string, times: number): { backend: Backend; edits: () => number } {
  let edits = 0;
  const backend: Backend = {
    ...openwrtBackend,
    async plan(state, ctx) {
      const prepared = await openwrtBackend.plan(state, ctx);
      if (edits < times) {
        edits++;
        mkdirSync(join(root, 'tmp', 'test-uci'), { recursive: true }); // uci's own save folder
        const name = uci(root, ['add', 'firewall', 'rule']).stdout.trim();
        assert.equal(uci(root, ['set', `firewall.${name}.name=user-rule-${edits}`]).code, 0);
        assert.equal(uci(root, ['commit', 'firewall']).code, 0);
      }
      return prepared;
    },
  };
  return { backend, edits: () => edits };
}

async function setUp(times: number) {
  useUciDouble();
  const root = makeStockRoot();
  const busy = busyRouter(root, times);
  const r = new Router(busy.backend, { root });
  const repo = new ConfigRepo();
  const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '120', '--schedule', 'none');
  assert.equal(init.code, 0, init.stderr);
  const sha = repo.commit('first', { 'dlan.yaml': soloConfig('192.168.50.0/24', /public_key: (\S+)/.exec(init.stdout)![1]!) });
  return { r, sha, busy, stockNetwork: readFileSync(join(root, 'etc/config/network'), 'utf8') };
}

const state = (r: Router) => JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8'));
const firewall = (r: Router) => readFileSync(join(r.root, 'etc/config/firewall'), 'utf8');

test('the router changed between plan and apply: planned again once and applied against what it has now', T, async () => {
  try {
    const { r, sha, busy } = await setUp(1);
    const s = await r.cli('sync');
    assert.equal(s.code, 0, s.stdout + s.logs.join('\n'));
    assert.match(s.stdout, /^applied/);
    assert.equal(busy.edits(), 1);
    assert.ok(s.logs.some((l) => /phase=apply the router changed since the plan \(.*etc\/config\/firewall\)/.test(l)), s.logs.join('\n'));
    assert.ok(s.logs.some((l) => /phase=plan .*again=true/.test(l)), 'the second plan is in the log');
    assert.equal(state(r).applied.sha, sha);
    assert.deepEqual(state(r).rollbacks, []);
    assert.match(firewall(r), /user-rule-1/, "the user's rule is kept");
    assert.match(readFileSync(join(r.root, 'etc/config/network'), 'utf8'), /192\.168\.50\.1/, "dlan's change is applied");
  } finally {
    delete process.env.DLAN_UCI;
  }
});

test('the router changed under the second plan too: `stale`, nothing written or rolled back, not held, tried again', T, async () => {
  try {
    const { r, sha, busy, stockNetwork } = await setUp(2);
    const s = await r.cli('sync');
    assert.equal(s.code, 1, s.stdout);
    assert.match(s.stdout, /^stale: not applied [0-9a-f]+: the router changed while it was planned, twice/);
    assert.equal(busy.edits(), 2);
    assert.equal(readFileSync(join(r.root, 'etc/config/network'), 'utf8'), stockNetwork, 'nothing of dlan was written');
    assert.match(firewall(r), /user-rule-2/);
    const st = state(r);
    assert.deepEqual(st.rollbacks, [], 'nothing written, nothing rolled back');
    assert.deepEqual(st.failedCommits, [], 'not held');
    assert.equal(st.lastError.phase, 'apply');
    assert.equal(st.lastAttempt.result, 'stale');
    assert.equal(st.applied, null);
    assert.ok(!existsSync(join(r.root, 'etc/dlan/pending.json')), 'the rollback timer was stood down');
    const status = JSON.parse((await r.cli('status', '--json')).stdout);
    assert.equal(status.sync.state, 'failed');

    const again = await r.cli('sync');
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /^applied/);
    assert.equal(state(r).applied.sha, sha);
    assert.match(firewall(r), /user-rule-1[\s\S]*user-rule-2/, "both of the user's rules are kept");
  } finally {
    delete process.env.DLAN_UCI;
  }
});
