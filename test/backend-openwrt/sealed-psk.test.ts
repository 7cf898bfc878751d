// Sealed WireGuard preshared keys on OpenWrt (issue #7): the reference config with the r1–r4 link
// sealed for r1 and r4 applies on the stock fixture through the uci double; the committed
// /etc/config/network holds the opened key on r1's peer section for r4; neither plan/apply output
// nor the log ever shows a key (a new seal shows as `(secret changed)`); a missing, exposed or
// foreign age identity is a clear error and nothing on the router is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStockRoot, runAgent, seedKey, TEST_KEYS, treeState, uciVerbs, useUciDouble, type AgentRun } from './support/openwrt-root.ts';
import { newIdentity, newSecret, sealedReferenceConfig, seedAgeIdentity, type TestIdentity } from './support/sealed-config.ts';

const log = useUciDouble();
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

const r1 = newIdentity();
const r4 = newIdentity();
const sealedConfig = (psk: Uint8Array) => sealedReferenceConfig(psk, r1.identity, r4.identity);

function routerRoot(identity: TestIdentity | null, mode = 0o600): string {
  const root = makeStockRoot();
  seedKey(root, 'r1');
  if (identity) seedAgeIdentity(root, identity, mode);
  return root;
}

function assertNoKey(run: AgentRun, key: string, what: string): void {
  for (const [name, text] of [['stdout', run.stdout], ['stderr', run.stderr], ['log', run.logs.join('\n')]] as const) {
    assert.ok(!text.includes(key), `${what}: the preshared key appears in ${name}`);
  }
}

test('a sealed PSK is opened with the router identity and committed to its peer section, never printed', async () => {
  const psk = newSecret();
  const config = await sealedConfig(psk);
  const root = routerRoot(r1);

  const plan = await runAgent(['plan', '--config', config, '--router', 'r1', '--root', root]);
  assert.equal(plan.code, 2, plan.stderr); // 2: changes pending
  assert.match(plan.stdout, /preshared_key: \(absent\) → \(secret\)/);
  assertNoKey(plan, b64(psk), 'plan');

  const apply = await runAgent(['apply', '--config', config, '--router', 'r1', '--root', root]);
  assert.equal(apply.code, 0, apply.stderr + apply.logs.join('\n'));
  assertNoKey(apply, b64(psk), 'apply');
  const network = readFileSync(join(root, 'etc', 'config', 'network'), 'utf8');
  const sections = network.split(/\n(?=config )/);
  const peer4 = sections.filter((s) => s.includes(`option public_key '${TEST_KEYS.r4!.publicKey}'`));
  assert.equal(peer4.length, 1, 'one peer section for r4');
  assert.ok(peer4[0]!.includes(`option preshared_key '${b64(psk)}'`), `r4's peer section has the key:\n${peer4[0]}`);
  // Only the sealed link has a preshared key.
  assert.equal(network.split('option preshared_key').length - 1, 1);

  // A new seal (rotation): the plan says the secret changed and shows neither key.
  const psk2 = newSecret();
  const config2 = await sealedConfig(psk2);
  const plan2 = await runAgent(['plan', '--config', config2, '--router', 'r1', '--root', root]);
  assert.equal(plan2.code, 2, plan2.stderr);
  assert.match(plan2.stdout, /preshared_key: \(secret changed\)/);
  assertNoKey(plan2, b64(psk), 'plan after rotation (old key)');
  assertNoKey(plan2, b64(psk2), 'plan after rotation (new key)');
  const apply2 = await runAgent(['apply', '--config', config2, '--router', 'r1', '--root', root]);
  assert.equal(apply2.code, 0, apply2.stderr);
  assertNoKey(apply2, b64(psk2), 'apply after rotation');
  const network2 = readFileSync(join(root, 'etc', 'config', 'network'), 'utf8');
  assert.ok(network2.includes(`option preshared_key '${b64(psk2)}'`));
  assert.ok(!network2.includes(b64(psk)));

  // A router the link does not touch (r2) needs no identity.
  const r2root = makeStockRoot();
  seedKey(r2root, 'r2');
  const other = await runAgent(['apply', '--config', config2, '--router', 'r2', '--root', r2root]);
  assert.equal(other.code, 0, other.stderr);
});

const refusals: { name: string; root: () => string; message: RegExp }[] = [
  { name: 'no age identity', root: () => routerRoot(null), message: /no age identity at .*etc\/dlan\/age\.key.*dlan-agent init/s },
  { name: 'an identity others can read', root: () => routerRoot(r1, 0o644), message: /readable by other users.*chmod 600/s },
  {
    name: 'an identity the link is not sealed for',
    root: () => routerRoot(newIdentity()),
    message: /cannot open the sealed preshared key of a link.*link r1–r4.*Nothing was applied/s,
  },
];

for (const r of refusals) {
  test(`apply with ${r.name}: a clear error, nothing written, no uci write`, async () => {
    const psk = newSecret();
    const config = await sealedConfig(psk);
    const root = r.root();
    const before = treeState(root);
    writeFileSync(log, '');
    const run = await runAgent(['apply', '--config', config, '--router', 'r1', '--root', root]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, r.message);
    assertNoKey(run, b64(psk), r.name);
    assert.deepEqual(treeState(root), before, 'the router tree is unchanged');
    assert.deepEqual(uciVerbs(log).filter((v) => v !== 'export'), [], 'no uci write');
    const plan = await runAgent(['plan', '--config', config, '--router', 'r1', '--root', root]);
    assert.equal(plan.code, 1);
    assert.match(plan.stderr, r.message);
  });
}
