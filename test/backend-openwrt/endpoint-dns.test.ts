// A WireGuard endpoint given as a host name on OpenWrt. netifd's wireguard proto script hands
// endpoint_host to `wg` at ifup, and a name that does not resolve there aborts the whole
// interface: every peer down for one name. The plan now resolves the name (through the router's
// resolver, like the service upstreams) and renders the address; while it does not resolve the
// peer has no endpoint_host (keepalive, allowed_ips still there), a warning names peer and name,
// and the plan that first sees an answer adds it as a change with cause `dns`. Real files, the
// uci test double, the resolver a `getent` on PATH.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { loadConfigAt } from '../../agent/load/load-config-at.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { fakeResolver } from '../support/fake-resolver.ts';
import { makeStockRoot, referenceConfig, seedKey, uci, useUciDouble } from './support/openwrt-root.ts';

useUciDouble();
const NAME = 'r5.dlan-owrt.test';

test('an unresolved endpoint name: the peer without endpoint_host, warned; the address once it resolves (cause dns)', async () => {
  const resolver = fakeResolver();
  const warnings: string[] = [];
  const host = createNodeHost({ log: { log: (level, message) => void (level === 'warn' && warnings.push(message)) } });
  const loaded = await loadConfigAt(host, referenceConfig((y) => y.replace('endpoint: 203.0.113.5', `endpoint: ${NAME}`)));
  assert.ok(loaded.ok);
  const state = sliceRouter(loaded.config, 'r4');
  assert.equal(state.wireguard.peers.find((p) => p.router === 'r5')?.endpoint?.host, NAME, 'r4 dials r5 by name');
  const root = makeStockRoot();
  seedKey(root, 'r4');
  const ctx = { host, root, reload: false };
  const get = (opt: string) => uci(root, ['-q', 'get', `network.dlan_peer_5.${opt}`]).stdout.trim();

  await openwrtBackend.apply(await openwrtBackend.plan(state, ctx), ctx);
  assert.equal(get('endpoint_host'), '', 'no endpoint_host while the name does not resolve');
  assert.equal(get('persistent_keepalive'), '25');
  assert.match(get('allowed_ips'), /10\.1\.0\.5\/32/);
  assert.ok(warnings.some((w) => w.includes('peer r5') && w.includes(NAME)), warnings.join('\n'));
  assert.deepEqual((await openwrtBackend.plan(state, ctx)).changes, [], 'still unresolved: nothing to change');

  resolver.setAnswer(NAME, '203.0.113.5');
  const resolved = await openwrtBackend.plan(state, ctx);
  assert.deepEqual(resolved.changes.map((c) => [c.target.split('.')[0], c.cause]), [['network', 'dns']]);
  await openwrtBackend.apply(resolved, ctx);
  assert.equal(get('endpoint_host'), '203.0.113.5', 'the address, never the name netifd would resolve');
  assert.equal(get('endpoint_port'), '51820');
  assert.deepEqual((await openwrtBackend.plan(state, ctx)).changes, []);

  // A DNS outage later keeps the address (the last answer), it is not taken away.
  resolver.setAnswer(NAME, null);
  assert.deepEqual((await openwrtBackend.plan(state, ctx)).changes, []);
});
