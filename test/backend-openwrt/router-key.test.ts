import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base64ToBytes, bytesToBase64, publicKeyOf, x25519PublicKey } from '../../agent/backend/common/router-key.ts';
import { makeStockRoot, runAgent } from './support/openwrt-root.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('X25519 matches the RFC 7748 §6.1 test vector (Alice)', () => {
  const priv = Uint8Array.from(Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex'));
  assert.equal(hex(x25519PublicKey(priv)), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
});

test('public keys agree with `wg pubkey` for fresh keys', () => {
  for (let i = 0; i < 5; i++) {
    const key = spawnSync('wg', ['genkey'], { encoding: 'utf8' }).stdout.trim();
    const pub = spawnSync('wg', ['pubkey'], { input: `${key}\n`, encoding: 'utf8' }).stdout.trim();
    assert.equal(publicKeyOf(key), pub);
  }
});

test('base64 round-trips and rejects malformed input', () => {
  const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37) & 0xff);
  assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes);
  assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'));
  assert.equal(base64ToBytes('not base64!'), null);
});

test('keygen creates a 0600 key once and prints its public key', async () => {
  const root = makeStockRoot();
  const first = await runAgent(['keygen', '--root', root]);
  assert.equal(first.code, 0, first.stderr);
  const keyFile = join(root, 'etc', 'dlan', 'wireguard.key');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const key = readFileSync(keyFile, 'utf8').trim();
  assert.equal(first.stdout.trim(), publicKeyOf(key));
  assert.ok(!first.stdout.includes(key), 'the private key is never printed');
  const second = await runAgent(['keygen', '--root', root]);
  assert.equal(second.stdout, first.stdout);
  assert.equal(readFileSync(keyFile, 'utf8').trim(), key, 'an existing key is kept');
});
