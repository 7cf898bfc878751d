// A WireGuard endpoint given as a host name that does not resolve at apply time, on the Linux
// backend, for real: one router in a fresh network + mount namespace (real `ip`, `wg`,
// wireguard-go, nft), the router's resolver played by a `getent` on PATH. Before, `wg set …
// endpoint NAME:PORT` failed, the apply threw (and the GitOps cycle rolled back and held the
// commit). Now the peer is set without an endpoint, a warning names peer and name, and the next
// plan resolves again: once the name answers, setting the endpoint is a change with cause `dns`.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planAndApply, type BackendContext } from '../../agent/backend/backend.ts';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import type { DesiredState } from '../../agent/slice/desired-state.ts';
import { fakeResolver } from '../support/fake-resolver.ts';
import { must, namespacedHost, removeNamespace, routerNamespace, sh, twoRouterState } from './linux-test-support.ts';

const NS = `dle${process.pid % 100000}`;
const NAME = 'rb.dlan-endpoint.test';
const backend = createLinuxBackend();
const warnings: string[] = [];
const host = createNodeHost({ log: { log: (level, message) => void (level === 'warn' && warnings.push(message)) } });
let holder = 0;
let root = '';
let state: DesiredState;

const inNs = (argv: string[]) => sh(['nsenter', '-t', String(holder), '-m', '-n', '--', ...argv]);
const ctx = (): BackendContext => ({ host: namespacedHost(host, holder), root, reload: true });
/** The peer's line of `wg show wg0 dump`: endpoint, allowed ips, keepalive. */
function peerNow() {
  const line = inNs(['wg', 'show', 'wg0', 'dump']).out.trim().split('\n')[1]!.split('\t');
  return { endpoint: line[2], allowedIps: line[3], keepalive: line[7] };
}

before(async () => {
  holder = await routerNamespace(NS);
  root = mkdtempSync(join(tmpdir(), 'dlan-endpoint-'));
  mkdirSync(join(root, 'etc', 'dlan'), { recursive: true });
  const key = must(['wg', 'genkey']).trim();
  writeFileSync(join(root, 'etc', 'dlan', 'wireguard.key'), `${key}\n`, { mode: 0o600 });
  const peerKey = must(['wg', 'pubkey'], `${must(['wg', 'genkey']).trim()}\n`).trim();
  const t = (s: string) => ({ start: ['echo', s, 'start'], reload: ['echo', s, 'reload'], restart: ['echo', s, 'restart'], stop: ['echo', s, 'stop'], check: ['true'] });
  writeFileSync(join(root, 'etc', 'dlan', 'services.json'), JSON.stringify({ dnsmasq: t('dnsmasq'), bird: t('bird'), nginx: t('nginx') }));
  const base = twoRouterState('ra', { ra: must(['wg', 'pubkey'], `${key}\n`).trim(), rb: peerKey });
  state = { ...base, wireguard: { ...base.wireguard, peers: base.wireguard.peers.map((p) => ({ ...p, endpoint: { host: NAME, port: 51820 } })) } };
});

after(() => {
  removeNamespace(NS);
  if (root) rmSync(root, { recursive: true, force: true });
});

test('an endpoint name that does not resolve: peer set without it, warned, added once it resolves (cause dns)', { timeout: 120_000 }, async () => {
  const resolver = fakeResolver();
  const applied = await planAndApply(backend, state, ctx());
  assert.deepEqual(applied.ran.filter((r) => !r.ok), []);
  const peer = peerNow();
  assert.equal(peer.endpoint, '(none)', 'no endpoint while the name does not resolve');
  assert.deepEqual(peer.allowedIps!.split(',').sort(), ['10.1.0.2/32', 'fd00:0:1::2/128']);
  assert.equal(peer.keepalive, '25', 'keepalive is still set');
  assert.ok(warnings.some((w) => w.includes('peer rb') && w.includes(NAME) && /configured without an endpoint/.test(w)), warnings.join('\n'));

  // Still unresolved: nothing to change, still warned (the next plan asks again).
  warnings.length = 0;
  const again = await backend.plan(state, ctx());
  assert.deepEqual(again.changes.map((c) => c.target), []);
  assert.ok(warnings.some((w) => w.includes(NAME)), 'warned on every plan while unresolved');

  // The name starts to answer: the endpoint is set, because of DNS.
  resolver.setAnswer(NAME, '192.0.2.2');
  const resolved = await backend.plan(state, ctx());
  assert.deepEqual(resolved.changes.map((c) => [c.target, c.cause]), [['wireguard wg0 peer rb', 'dns']]);
  assert.match(resolved.changes[0]!.detail, /endpoint 192\.0\.2\.2:51820/);
  await backend.apply(resolved, ctx());
  assert.equal(peerNow().endpoint, '192.0.2.2:51820');
  assert.equal((await backend.plan(state, ctx())).changes.length, 0, 'then nothing to do');

  // A DNS outage afterwards does not take the working endpoint away.
  resolver.setAnswer(NAME, null);
  warnings.length = 0;
  assert.equal((await backend.plan(state, ctx())).changes.length, 0);
  assert.ok(warnings.some((w) => w.includes(NAME) && w.includes('keeping its last answer (192.0.2.2)')), warnings.join('\n'));
});
