// The backend contract on OpenWrt: apply executes the prepared plan (no second `uci export` of the
// packages, no second DNS lookup: what plan reported is what apply writes), refuses a plan the
// router no longer matches (nothing written), applies a plan only once, and every change says
// why it is there (config, drift, dns). Real files, the uci test double, a resolver in the Host.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StalePlanError, type BackendContext } from '../../agent/backend/backend.ts';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { NGINX_STREAM_FILE } from '../../agent/backend/openwrt/render/render-files.ts';
import type { Host } from '../../agent/host/host.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { loadConfigAt } from '../../agent/load/load-config-at.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { makeStockRoot, referenceConfig, seedKey, treeState, uci, uciVerbs, useUciDouble } from './support/openwrt-root.ts';

const log = useUciDouble();

/** A Host whose `getent` answers s1.r1.lan from `answer`, counting lookups. */
function resolvingHost(): { host: Host; lookups: () => number; setAnswer: (a: string) => void } {
  const base = createNodeHost({ log: { log: () => {} } });
  let answer = '10.1.1.10';
  let lookups = 0;
  const host: Host = {
    ...base,
    async exec(program, args, opts) {
      if (program === 'getent') {
        lookups++;
        return args.includes('s1.r1.lan') ? { code: 0, stdout: `${answer} STREAM s1.r1.lan\n`, stderr: '' } : { code: 2, stdout: '', stderr: '' };
      }
      return base.exec(program, args, opts);
    },
  };
  return { host, lookups: () => lookups, setAnswer: (a) => (answer = a) };
}

async function r4State(edit?: (y: string) => string) {
  const loaded = await loadConfigAt(createNodeHost(), referenceConfig(edit));
  assert.ok(loaded.ok);
  return sliceRouter(loaded.config, 'r4');
}

function freshRouter(host: Host): BackendContext {
  const root = makeStockRoot();
  seedKey(root, 'r4');
  return { host, root, reload: false };
}

/** A user's own `uci batch` on the router (uci exits 0 even when a command fails: stderr tells). */
function userEdit(root: string, script: string): void {
  mkdirSync(join(root, 'tmp', 'test-uci'), { recursive: true });
  const r = uci(root, ['batch'], script);
  assert.equal(`${r.code} ${r.stderr}`, '0 ', 'the edit went in');
}

const RESULT = (rel: string) => rel.startsWith('etc/dlan/check') || rel.startsWith('tmp/');

test('apply runs the prepared plan: no second uci export, no second lookup; the reported answer is the one written', async () => {
  const dns = resolvingHost();
  const ctx = freshRouter(dns.host);
  const prepared = await openwrtBackend.plan(await r4State(), ctx);
  assert.deepEqual(prepared.upstreamAnswers, { 's1.r1.lan': ['10.1.1.10'] });
  assert.match(JSON.stringify(prepared.changes), /server 10\.1\.1\.10:80/);
  assert.doesNotMatch(JSON.stringify(prepared), /private_key='|hjKiaHSVkwAv/, 'the prepared plan shows no key');
  const lookupsAtPlan = dns.lookups();
  dns.setAnswer('10.1.1.99'); // DNS moves after the plan was shown
  writeFileSync(log, '');
  const result = await openwrtBackend.apply(prepared, ctx);
  assert.equal(dns.lookups(), lookupsAtPlan, 'apply asked the resolver again');
  // Exports during apply are only the read-backs of the batch and the commit, one each per package.
  const verbs = uciVerbs(log);
  const committed = verbs.filter((v) => v === 'commit').length;
  assert.equal(verbs.filter((v) => v === 'export').length, 2 * committed, verbs.join(' '));
  const nginx = readFileSync(join(ctx.root, NGINX_STREAM_FILE), 'utf8');
  assert.match(nginx, /server 10\.1\.1\.10:80;/, 'what was reported is what is applied');
  assert.doesNotMatch(nginx, /10\.1\.1\.99/);
  assert.deepEqual(result.upstreamAnswers, prepared.upstreamAnswers);
  await assert.rejects(openwrtBackend.apply(prepared, ctx), /applied already/, 'a plan is applied once');
});

test('a router changed between plan and apply: refused with StalePlanError, nothing written; a fresh plan applies', async () => {
  const dns = resolvingHost();
  const ctx = freshRouter(dns.host);
  const state = await r4State();
  const prepared = await openwrtBackend.plan(state, ctx);
  // Someone adds a firewall rule meanwhile.
  userEdit(ctx.root, "set firewall.mine=rule\nset firewall.mine.name='mine'\ncommit firewall\n");
  const before = treeState(ctx.root, RESULT);
  await assert.rejects(openwrtBackend.apply(prepared, ctx), (e: unknown) => e instanceof StalePlanError && /etc\/config\/firewall/.test(e.message));
  assert.deepEqual(treeState(ctx.root, RESULT), before, 'nothing written, no snapshot taken');
  const again = await openwrtBackend.apply(await openwrtBackend.plan(state, ctx), ctx);
  assert.ok(again.snapshot);
  assert.match(uci(ctx.root, ['get', 'firewall.mine.name']).stdout, /mine/, "the user's rule survives");
});

test('every change says why: config on the first apply, drift after a hand edit, dns when an upstream answer moved', async () => {
  const dns = resolvingHost();
  const ctx = freshRouter(dns.host);
  const state = await r4State();
  const first = await openwrtBackend.plan(state, ctx);
  assert.ok(first.changes.length > 0);
  assert.deepEqual([...new Set(first.changes.map((c) => c.cause))], ['config']);
  await openwrtBackend.apply(first, ctx);
  assert.deepEqual((await openwrtBackend.plan(state, ctx)).changes, [], 'converged');

  // A hand edit of an owned option: drift.
  userEdit(ctx.root, "set system.@system[0].hostname='hacked'\ncommit system\n");
  const drift = await openwrtBackend.plan(state, ctx);
  assert.deepEqual(drift.changes.map((c) => [c.target.split('.')[0], c.cause]), [['system', 'drift']]);
  await openwrtBackend.apply(drift, ctx);

  // DNS moves: the nginx stream file changes, because of dns.
  dns.setAnswer('10.1.1.11');
  const moved = await openwrtBackend.plan(state, ctx);
  assert.deepEqual(moved.changes.map((c) => [c.target, c.cause]), [[NGINX_STREAM_FILE, 'dns']]);
  await openwrtBackend.apply(moved, ctx);

  // The config changes (a new firewall-visible name): config.
  const edited = await r4State((y) => y.replace('"10.2.1.10:80"', '"10.2.1.12:80"'));
  const changed = await openwrtBackend.plan(edited, ctx);
  assert.ok(changed.changes.length > 0);
  assert.deepEqual([...new Set(changed.changes.map((c) => c.cause))], ['config'], JSON.stringify(changed.changes.map((c) => [c.target, c.cause])));
});
