// A GitOps cycle on the Linux backend whose config gives a peer's endpoint as a host name the
// router's resolver does not answer (yet). Before, `wg set … endpoint NAME:PORT` failed, the apply
// threw, the cycle rolled back and held the commit until the branch moved: one unresolvable name
// stopped every other change. Now the commit is applied and confirmed, the peer is configured
// without an endpoint, and a later sync of the same commit adds it once the name resolves. Real
// git, real `ip`/`wg`/wireguard-go/nft in a fresh network + mount namespace; the resolver is a
// `getent` on PATH (test/support/fake-resolver.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Backend, BackendContext } from '../../agent/backend/backend.ts';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { must, namespacedHost, removeNamespace, routerNamespace, sh } from '../backend-linux/linux-test-support.ts';
import { fakeResolver } from '../support/fake-resolver.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { Router } from './support/harness.ts';

const NS = `dls${process.pid % 100000}`;
const NAME = 'rb.dlan-sync.test';
let holder = 0;

/** The Linux backend with every program run inside the holder's namespaces (as in the lab). */
function inHolder(b: Backend): Backend {
  const c = (ctx: BackendContext): BackendContext => ({ ...ctx, host: namespacedHost(ctx.host, holder) });
  return { ...b, plan: (s, ctx) => b.plan(s, c(ctx)), apply: (p, ctx) => b.apply(p, c(ctx)), restore: (ctx, id) => b.restore(c(ctx), id), uninstall: (ctx) => b.uninstall(c(ctx)) };
}
const peerEndpoint = () => sh(['nsenter', '-t', String(holder), '-m', '-n', '--', 'wg', 'show', 'wg0', 'endpoints']).out.trim().split(/\s+/)[1];

before(async () => {
  holder = await routerNamespace(NS);
});

after(() => removeNamespace(NS));

test('an unresolvable endpoint name is applied and confirmed (no rollback, no hold); the next sync adds it', { timeout: 180_000 }, async () => {
  const resolver = fakeResolver();
  const r = new Router(inHolder(createLinuxBackend()));
  const repo = new ConfigRepo();
  const init = await r.cli('init', '--repo', repo.url, '--router', 'ra', '--confirm-timeout', '5');
  assert.equal(init.code, 0, init.stderr);
  const pub = /public_key: (\S+)/.exec(init.stdout)![1]!;
  const peerKey = must(['wg', 'pubkey'], `${must(['wg', 'genkey']).trim()}\n`).trim();
  const config = `version: 1
routers:
  ra:
    id: 1
    public_key: ${pub}
    wan: [ { device: eth0, ipv4: 192.0.2.1/24 } ]
    lan: [ { device: eth1, ipv4: 10.2.0.0/24 } ]
  rb:
    id: 2
    public_key: ${peerKey}
    endpoint: ${NAME}
    wan: [ { device: eth0, ipv4: 192.0.2.2/24 } ]
links:
  - [ra, rb]
`;
  const sha = repo.commit('ra dials rb by name', { 'dlan.yaml': config });

  const s1 = await r.cli('sync', '--json');
  const out1 = JSON.parse(s1.stdout);
  assert.equal(out1.result, 'applied', `${s1.stdout}\n${s1.logs.join('\n')}`);
  assert.equal(s1.code, 0);
  const state = () => JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8'));
  assert.equal(state().applied.sha, sha);
  assert.deepEqual(state().failedCommits, [], 'not held');
  assert.equal(peerEndpoint(), '(none)', 'the peer is there, without an endpoint');
  assert.ok(s1.logs.some((l) => l.startsWith('warn: WireGuard peer rb: endpoint rb.dlan-sync.test does not resolve')), s1.logs.join('\n'));

  // Same commit, still unresolved: in sync (nothing to change), warned again.
  const s2 = await r.cli('sync', '--json');
  assert.equal(JSON.parse(s2.stdout).result, 'unchanged', s2.logs.join('\n'));
  assert.ok(s2.logs.some((l) => l.includes(`endpoint ${NAME} does not resolve`)));

  // The name starts to answer: the same commit's next sync sets the endpoint (DNS, not drift).
  resolver.setAnswer(NAME, '192.0.2.2');
  const s3 = await r.cli('sync', '--json');
  assert.equal(JSON.parse(s3.stdout).result, 'upstreams-updated', `${s3.stdout}\n${s3.logs.join('\n')}`);
  assert.equal(peerEndpoint(), '192.0.2.2:51820');
  assert.ok(!s3.logs.some((l) => /drift: \d+ owned item/.test(l)), 'not reported as drift');
  assert.equal(state().applied.sha, sha);
});
