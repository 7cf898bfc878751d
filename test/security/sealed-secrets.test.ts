// Sealed link secrets end to end on real files: `dlan-agent seal` through the CLI writes each
// link's preshared key sealed for exactly its two routers, in place (every other byte of
// dlan.yaml kept); each router opens its keys from <root>/etc/dlan/age.key through its desired
// state; a stranger, a stale seal, a missing or exposed identity are clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { runCli } from '../../agent/cli/run-cli.ts';
import type { CliContext } from '../../agent/cli/cli-context.ts';
import { loadConfigAt } from '../../agent/load/load-config-at.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { formatIdentity, parseIdentity, type AgeIdentity } from '../../agent/secrets/age-keys.ts';
import { LinkSecretError, openLinkSecrets, openRouterLinkSecrets } from '../../agent/secrets/open-link-secrets.ts';
import { ageIdentityPath, ensureRouterAgeIdentity, ensureRouterIdentity, readRouterIdentity } from '../../agent/secrets/router-identity.ts';
import { randomBytesFrom } from '../../agent/secrets/random-bytes.ts';
import type { Host } from '../../agent/host/host.ts';
import type { Config } from '../../agent/config/config-types.ts';

const host = createNodeHost();
const newIdentity = (): AgeIdentity => parseIdentity(formatIdentity(new Uint8Array(randomBytes(32))));

function cli() {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { host, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, version: 'test' };
  return { ctx, out, err, run: (...argv: string[]) => runCli(argv, ctx) };
}

const KEYS = ['r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=', 'O0eQM2jqBhNqXjWRdQ0/EWBgHHEMAklQN5L4W/CvFGw=', 'SoUBbhw6FP5Ch8wPc3iFw5x91womDg5L5cKa/o7hlyQ=', 'hjKiaHSVkwAvE7Ik3SH7q+S3ttBNw5nCL7/xixdfjiw='];

/** r1 (NAT'd, no endpoint), r2, r3 dialable; r4 has no age_recipient yet. */
function meshText(ids: AgeIdentity[]): string {
  return `# the mesh
version: 1
routers:
  r1:
    id: 1
    public_key: ${KEYS[0]}
    age_recipient: ${ids[0]!.recipient}
    wan: [ { device: eth0 } ]     # DHCP
  r2:
    id: 2
    public_key: ${KEYS[1]}
    age_recipient: ${ids[1]!.recipient}
    endpoint: 203.0.113.2
    wan: [ { device: eth0, ipv4: 203.0.113.2/24, gateway_ipv4: 203.0.113.1 } ]
  r3:
    id: 3
    public_key: ${KEYS[2]}
    age_recipient: ${ids[2]!.recipient}
    endpoint: 203.0.113.3
    wan: [ { device: eth0, ipv4: 203.0.113.3/24, gateway_ipv4: 203.0.113.1 } ]
  r4:
    id: 4
    public_key: ${KEYS[3]}
    endpoint: "203.0.113.4"
    wan: [ { device: eth0, ipv4: 203.0.113.4/24, gateway_ipv4: 203.0.113.1 } ]

links:
  - [r1, r2]          # r1 dials r2
  - routers: [r3, r1] # long form, order does not matter
    cost: 5
    endpoints: { r3: 192.168.1.3 }

  - [r2, r3]
  - [r2, r4]
services: []
`;
}

function repo(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-seal-'));
  writeFileSync(join(dir, 'dlan.yaml'), text);
  return dir;
}

/** The text with every sealed block (and the `routers: ` seal adds) taken out again. */
function withoutSeals(text: string): string {
  return text
    .replace(/\n( +)preshared_key:\n(\1 .*\n)*/g, '\n')
    .replace(/- routers: (\[r1, r2\]|\[r2, r3\])/g, '- $1');
}

async function config(dir: string): Promise<Config> {
  const r = await loadConfigAt(host, dir);
  assert.ok(r.ok, r.ok ? '' : r.diagnostics.map((d) => `${d.line}: ${d.path}: ${d.message}`).join('\n'));
  return r.config;
}

test('seal: every link between routers with a recipient gets a key only its two routers open; nothing else in the file changes', async () => {
  const ids = [newIdentity(), newIdentity(), newIdentity()];
  const original = meshText(ids);
  const dir = repo(original);
  const c = cli();
  assert.equal(await c.run('seal', dir), 0, c.err.join(''));
  assert.match(c.out.join(''), /sealed {3}r1–r2: new preshared key/);
  assert.match(c.out.join(''), /skipped {2}r2–r4: r4 has no age_recipient/);
  const sealed = readFileSync(join(dir, 'dlan.yaml'), 'utf8');
  assert.equal(withoutSeals(sealed), original, 'only the links changed');
  assert.match(sealed, /- routers: \[r1, r2\] {10}# r1 dials r2\n {4}preshared_key:\n {6}recipients:\n {8}r1: age1/);

  const cfg = await config(dir);
  const [o1, o2, o3] = ['r1', 'r2', 'r3'].map((r, i) => openLinkSecrets(cfg, r, ids[i]!));
  assert.deepEqual(Object.keys(o1!).sort(), ['r2', 'r3']);
  assert.equal(o1!.r2, o2!.r1);
  assert.equal(o1!.r3, o3!.r1);
  assert.equal(o2!.r3, o3!.r2);
  assert.notEqual(o1!.r2, o1!.r3, 'one key per link');
  for (const k of [o1!.r2, o1!.r3, o2!.r3]) {
    assert.match(k!, /^[A-Za-z0-9+/]{43}=$/);
    assert.ok(!sealed.includes(k!) && !c.out.join('').includes(k!), 'no key in clear in the file or the output');
  }
  assert.deepEqual(openLinkSecrets(cfg, 'r4', null), {}, 'a router without sealed links needs no identity');
  // r3's identity opens r1–r3 and r2–r3 but not r1–r2: asking r1's links with it fails on that link only.
  assert.throws(() => openLinkSecrets(cfg, 'r1', ids[2]!), (e: unknown) => e instanceof LinkSecretError && /link r1–r2: it was not sealed for this identity/.test(e.message) && !/r1–r3/.test(e.message));

  // Second run: nothing to do. --rotate --link: only that link's block changes.
  const again = cli();
  assert.equal(await again.run('seal', dir), 0);
  assert.match(again.out.join(''), /nothing to write/);
  const rot = cli();
  assert.equal(await rot.run('seal', join(dir, 'dlan.yaml'), '--link', 'r3,r2', '--rotate'), 0, rot.err.join(''));
  const rotated = readFileSync(join(dir, 'dlan.yaml'), 'utf8');
  const block = (t: string, n: number) => t.split('preshared_key:')[n];
  assert.equal(block(rotated, 1), block(sealed, 1));
  assert.equal(block(rotated, 2), block(sealed, 2));
  assert.notEqual(block(rotated, 3), block(sealed, 3));
  const after = await config(dir);
  assert.notEqual(openLinkSecrets(after, 'r2', ids[1]!).r3, o2!.r3);
  assert.equal(openLinkSecrets(after, 'r2', ids[1]!).r1, o2!.r1);
});

test('seal: a router with a new identity makes its links stale (a validation error), and seal replaces exactly those', async () => {
  const ids = [newIdentity(), newIdentity(), newIdentity()];
  const dir = repo(meshText(ids));
  assert.equal(await cli().run('seal', dir), 0);
  const before = readFileSync(join(dir, 'dlan.yaml'), 'utf8');
  const fresh = newIdentity();
  writeFileSync(join(dir, 'dlan.yaml'), before.replace(`age_recipient: ${ids[0]!.recipient}`, `age_recipient: ${fresh.recipient}`));
  const v = cli();
  assert.equal(await v.run('validate', dir), 1);
  assert.match(v.out.join(''), /links\[0\]\.preshared_key\.recipients\.r1: sealed for an old age_recipient of `r1`.*dlan-agent seal PATH --link r1,r2/);
  assert.match(v.out.join(''), /links\[1\]\.preshared_key\.recipients\.r1: sealed for an old age_recipient/);
  const s = cli();
  assert.equal(await s.run('seal', dir), 0, s.err.join(''));
  assert.match(s.out.join(''), /resealed r1–r2: new preshared key: the old one was not sealed for the current age_recipient of r1/);
  assert.match(s.out.join(''), /kept {5}r2–r3/);
  const cfg = await config(dir);
  assert.equal(openLinkSecrets(cfg, 'r1', fresh).r2, openLinkSecrets(cfg, 'r2', ids[1]!).r1);
});

test('seal: a link to a router without a recipient cannot be sealed (exit 1 with --link); bad usage is refused', async () => {
  const dir = repo(meshText([newIdentity(), newIdentity(), newIdentity()]));
  const c = cli();
  assert.equal(await c.run('seal', dir, '--link', 'r2,r4'), 1);
  assert.match(c.out.join(''), /r4 has no age_recipient: run `dlan-agent init` there/);
  const unknown = cli();
  assert.equal(await unknown.run('seal', dir, '--link', 'r1,r4'), 1);
  assert.match(unknown.err.join(''), /there is no link r1–r4/);
  assert.equal(await cli().run('seal', dir, '--link', 'r1'), 64);
  assert.equal(await cli().run('seal'), 64);
});

test('router side: the backend call opens the keys from <root>/etc/dlan/age.key through the desired state', async () => {
  const ids = [newIdentity(), newIdentity(), newIdentity()];
  const dir = repo(meshText(ids));
  assert.equal(await cli().run('seal', dir), 0);
  const cfg = await config(dir);
  const state = sliceRouter(cfg, 'r1');
  assert.ok(state.links.every((l) => l.sealedPresharedKey?.startsWith('-----BEGIN AGE ENCRYPTED FILE-----')));
  const root = mkdtempSync(join(tmpdir(), 'dlan-root-'));

  await assert.rejects(openRouterLinkSecrets(host, root, state), (e: unknown) => e instanceof LinkSecretError && /no age identity at .*etc\/dlan\/age\.key: run `dlan-agent init`/.test(e.message));

  const made = await ensureRouterIdentity(host, ageIdentityPath(root), randomBytesFrom(host), Date.UTC(2025, 0, 1));
  assert.equal(made.created, true);
  assert.equal(statSync(ageIdentityPath(root)).mode & 0o777, 0o600);
  assert.equal((await ensureRouterIdentity(host, ageIdentityPath(root), randomBytesFrom(host), 0)).recipient, made.recipient, 'kept on a second init');
  await assert.rejects(openRouterLinkSecrets(host, root, state), (e: unknown) => e instanceof LinkSecretError && /cannot open the sealed preshared key of 2 links/.test(e.message) && e.message.includes(made.recipient));

  writeFileSync(ageIdentityPath(root), `# public key: ${ids[0]!.recipient}\n${formatIdentity(ids[0]!.secret)}\n`, { mode: 0o600 });
  const opened = await openRouterLinkSecrets(host, root, state);
  assert.deepEqual(opened, openLinkSecrets(cfg, 'r1', ids[0]!));
  for (const psk of Object.values(opened)) assert.ok(!JSON.stringify(state).includes(psk), 'the desired state holds no key in clear');
  chmodSync(ageIdentityPath(root), 0o644);
  await assert.rejects(openRouterLinkSecrets(host, root, state), /readable by other users \(mode 644\)/);
  const r4 = sliceRouter(cfg, 'r4');
  assert.deepEqual(await openRouterLinkSecrets(host, mkdtempSync(join(tmpdir(), 'dlan-root-')), r4), {}, 'no sealed link: no identity needed');
});

test('randomness: without crypto.getRandomValues (QuickJS) the bytes come from `wg genpsk` through the Host', async () => {
  const calls: string[][] = [];
  const fake = {
    exec: async (program: string, args: readonly string[]) => {
      calls.push([program, ...args]);
      return { code: 0, stdout: `${Buffer.from(randomBytes(32)).toString('base64')}\n`, stderr: '' };
    },
  } as unknown as Host;
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
  try {
    const bytes = await randomBytesFrom(fake)(48);
    assert.equal(bytes.length, 48);
    assert.deepEqual(calls, [['wg', 'genpsk'], ['wg', 'genpsk']]);
    const missing = { exec: async () => ({ code: 127, stdout: '', stderr: '' }) } as unknown as Host;
    await assert.rejects(randomBytesFrom(missing)(16), /no random source/);
  } finally {
    Object.defineProperty(globalThis, 'crypto', saved!);
  }
});

test('init side: ensureRouterAgeIdentity creates <root>/etc/dlan/age.key once, readable by age tooling', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dlan-root-'));
  const first = await ensureRouterAgeIdentity(host, root);
  assert.equal(first.created, true);
  assert.equal(first.path, join(root, 'etc', 'dlan', 'age.key'));
  assert.match(readFileSync(first.path, 'utf8'), new RegExp(`^# created: \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z\\n# public key: ${first.recipient}\\nAGE-SECRET-KEY-1[0-9A-Z]{58}\\n$`));
  assert.equal(statSync(join(root, 'etc', 'dlan')).mode & 0o777, 0o700);
  const again = await ensureRouterAgeIdentity(host, root);
  assert.deepEqual(again, { ...first, created: false });
});

test('identity file: read refuses garbage and never echoes it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dlan-root-'));
  mkdirSync(join(root, 'etc', 'dlan'), { recursive: true });
  writeFileSync(ageIdentityPath(root), 'AGE-SECRET-KEY-1NOTAKEY\n', { mode: 0o600 });
  await assert.rejects(readRouterIdentity(host, ageIdentityPath(root)), (e: unknown) => e instanceof Error && /does not hold an age X25519 identity/.test(e.message) && !e.message.includes('NOTAKEY'));
});
