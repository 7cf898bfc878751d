// One set of rules for the service actions of both backends (issue #14): one timeout (120 s), a
// failed check skips the rest of its service, what failed stays pending in the ledger and the next
// apply retries it. Real processes (sh, true) stand for the services; the OpenWrt init scripts and
// fw4, and nft on Linux, are answered by the test host (they would act on this machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendContext, ServiceAction } from '../../agent/backend/backend.ts';
import { planAndApply } from '../../agent/backend/backend.ts';
import { ACTION_TIMEOUT_MS, runServiceActions } from '../../agent/backend/common/run-service-actions.ts';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import type { ExecResult, Host } from '../../agent/host/host.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { loadConfigAt } from '../../agent/load/load-config-at.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { makeStockRoot, referenceConfig, seedKey, TEST_KEYS, useUciDoubleDirectly } from '../backend-openwrt/support/openwrt-root.ts';
import { twoRouterState } from '../backend-linux/linux-test-support.ts';

useUciDoubleDirectly();
const real = createNodeHost({ log: { log() {} } });

/** The real host, with `answer` deciding for some programs; every call's timeout is recorded. */
function hostWith(answer: (argv: string[]) => number | null): { host: Host; timeouts: Map<string, number | undefined> } {
  const timeouts = new Map<string, number | undefined>();
  const host: Host = {
    ...real,
    async exec(program, args, opts) {
      timeouts.set([program, ...args].join(' '), opts?.timeoutMs);
      const code = answer([program, ...args]);
      if (code === null) return real.exec(program, args, opts);
      return { code, stdout: '', stderr: code === 0 ? '' : `${program} failed` } satisfies ExecResult;
    },
  };
  return { host, timeouts };
}
/** The timeout each action that ran was given. */
const timeoutsOf = (t: Map<string, number | undefined>, ran: { action: ServiceAction }[]) => ran.map((r) => t.get(r.action.argv.join(' ')));

const act = (service: string, action: string, argv: string[]): ServiceAction => ({ service, action, argv, why: 'test' });

test('the runner: a failed check skips the rest of its service, the others still run, each with the one timeout', async () => {
  const { host, timeouts } = hostWith((argv) => (argv[0] === 'check-a' ? 1 : argv[0] === 'ok' ? 0 : null));
  const ran = await runServiceActions(host, [act('a', 'check', ['check-a']), act('a', 'reload', ['ok']), act('b', 'reload', ['ok']), act('c', 'reload', ['sh', '-c', 'exit 3'])]);
  assert.deepEqual(ran.map((r) => [r.action.service, r.action.action, r.ok]), [['a', 'check', false], ['a', 'reload', false], ['b', 'reload', true], ['c', 'reload', false]]);
  assert.match(ran[1]!.output, /skipped: the a check failed/);
  assert.equal(ACTION_TIMEOUT_MS, 120_000);
  assert.deepEqual([...timeouts.values()], [120_000, 120_000, 120_000], 'three ran (one skipped), each with 120 s');
});

test('OpenWrt: a failed firewall check skips its reload; both stay pending and the next apply retries them, then nothing', async () => {
  const root = makeStockRoot();
  seedKey(root, 'r2');
  const loaded = await loadConfigAt(real, referenceConfig());
  assert.ok(loaded.ok);
  const state = sliceRouter(loaded.config, 'r2');
  let fw4 = 1;
  const { host, timeouts } = hostWith((argv) => (argv[0] === 'fw4' ? fw4 : argv[0]!.startsWith('/etc/init.d/') || ['ifup', 'birdc'].includes(argv[0]!) ? 0 : null));
  const ctx: BackendContext = { host, root, reload: true };
  const first = await planAndApply(openwrtBackend, state, ctx);
  assert.deepEqual(first.ran.filter((r) => !r.ok).map((r) => r.action.argv.join(' ')), ['fw4 check', '/etc/init.d/firewall reload']);
  assert.deepEqual(new Set(timeoutsOf(timeouts, first.ran.filter((r) => !r.output.startsWith('skipped')))), new Set([120_000]));
  const ledger = JSON.parse(readFileSync(join(root, 'etc/dlan/ledger.json'), 'utf8'));
  assert.deepEqual(ledger.pendingActions.map((a: ServiceAction) => a.action), ['check', 'reload']);

  const again = await openwrtBackend.plan(state, ctx);
  assert.deepEqual(again.changes, [], 'nothing to write');
  assert.deepEqual(again.actions.map((a) => [a.argv.join(' '), a.why.startsWith('retry: ')]), [['fw4 check', true], ['/etc/init.d/firewall reload', true]]);
  fw4 = 0;
  const retried = await openwrtBackend.apply(again, ctx);
  assert.ok(retried.ran.every((r) => r.ok));
  assert.deepEqual(JSON.parse(readFileSync(join(root, 'etc/dlan/ledger.json'), 'utf8')).pendingActions, []);
  const done = await openwrtBackend.plan(state, ctx);
  assert.deepEqual([done.changes, done.actions], [[], []], 'then no changes');
});

test('Linux: actions run with the one timeout (it was 60 s); a failed one is retried by the next apply', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dlan-linux-actions-'));
  mkdirSync(join(root, 'etc/dlan'), { recursive: true });
  // The service table: real programs stand for the services.
  const svc = { start: ['true'], stop: ['true'], reload: ['true'], check: ['true'] };
  writeFileSync(join(root, 'etc/dlan/services.json'), JSON.stringify({ dnsmasq: { ...svc, restart: ['sh', '-c', 'exit 1'] }, bird: svc, nginx: svc }));
  const { host, timeouts } = hostWith((argv) => (argv[0] === 'nft' ? (argv[1] === 'list' ? 1 : 0) : null));
  const ctx: BackendContext = { host, root, reload: true };
  const backend = createLinuxBackend({ manageInterfaces: false });
  const state = twoRouterState('ra', { ra: TEST_KEYS.r1!.publicKey, rb: TEST_KEYS.r2!.publicKey });
  const first = await planAndApply(backend, state, ctx);
  assert.deepEqual(first.ran.filter((r) => !r.ok).map((r) => r.action.service), ['dnsmasq']);
  assert.deepEqual(new Set(timeoutsOf(timeouts, first.ran)), new Set([120_000]));
  const again = await backend.plan(state, ctx);
  // (nft is answered "not loaded" here, so its load is planned again too)
  assert.deepEqual(again.actions.filter((a) => a.service !== 'nftables').map((a) => [a.service, a.action, a.why.startsWith('retry: ')]), [['dnsmasq', 'restart', true]]);
});
