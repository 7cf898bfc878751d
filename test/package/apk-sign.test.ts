// `npm run package -- --sign KEY`: the .apk gets a signature block apk checks against the keys in
// /etc/apk/keys/. Checked here with the independent reader and node's own verify, from the format
// description: the key id is the first 16 bytes of sha512 over the public key as OpenSSL's
// i2d_PublicKey writes it (an EC point 04‖x‖y, an RSA key as PKCS#1 DER), and the signed message
// is the schema, the 18-byte signature header and the sha512 of the ADB block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApk } from '../../build/apk/apk-package.ts';
import { readPackageSpec } from '../../build/package-spec.ts';
import { ensureBundles, ROOT } from '../qjs/ensure-bundles.ts';
import { readApk } from './apk-reader.ts';

ensureBundles();
const spec = readPackageSpec(ROOT, 'dlan-agent');
const unsigned = readApk(buildApk(spec, 1_700_000_000).bytes);

function i2dPublicKey(pub: KeyObject): Buffer {
  const jwk = pub.export({ format: 'jwk' });
  if (jwk.kty === 'EC') return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, written by hand.
  const int = (b: Buffer) => {
    const v = b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
    return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
  };
  const body = Buffer.concat([int(Buffer.from(jwk.n!, 'base64url')), int(Buffer.from(jwk.e!, 'base64url'))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x >>= 8) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

for (const [kind, pair] of [
  ['EC prime256v1', generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
  ['RSA 2048', generateKeyPairSync('rsa', { modulusLength: 2048 })],
] as const) {
  test(`signed with an ${kind} key: one signature block after the database, verifiable with the public key`, () => {
    const pkg = readApk(buildApk(spec, 1_700_000_000, pair.privateKey).bytes);
    assert.deepEqual(pkg.blocks.map((b) => b.type).slice(0, 3), [0, 1, 2]);
    assert.ok(pkg.database.equals(unsigned.database), 'signing leaves the database as it is');
    assert.equal(pkg.signatures.length, 1);
    const sig = pkg.signatures[0]!;
    assert.equal(sig.version, 0);
    assert.equal(sig.hashAlg, 4, 'sha512');
    assert.deepEqual(sig.keyId, createHash('sha512').update(i2dPublicKey(pair.publicKey)).digest().subarray(0, 16));
    const message = Buffer.concat([Buffer.from('pckg'), Buffer.from([0, 4]), sig.keyId, createHash('sha512').update(pkg.database).digest()]);
    assert.ok(verify('sha512', message, pair.publicKey, sig.signature), 'the signature verifies');
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    assert.ok(!verify('sha512', message, other.publicKey, sig.signature), 'and not with another key');
    assert.deepEqual([...pkg.contents.keys()], [...unsigned.contents.keys()]);
  });
}

test('npm run package -- --sign KEY signs both .apk files; a bad key file is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-sign-'));
  try {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const script = join(ROOT, 'build', 'package.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--no-build', '--sign', join(dir, 'key.pem')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const apks = readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.apk'));
    assert.deepEqual(apks.sort(), ['dlan-agent-0.1.0-r1.apk', 'dlan-agent-node-0.1.0-r1.apk']);
    for (const f of apks) {
      const pkg = readApk(readFileSync(join(ROOT, 'dist', f)));
      assert.deepEqual(pkg.signatures[0]?.keyId, createHash('sha512').update(i2dPublicKey(publicKey)).digest().subarray(0, 16), f);
    }
    writeFileSync(join(dir, 'bad.pem'), 'not a key\n');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', script, '--no-build', '--sign', join(dir, 'bad.pem')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^npm run package: --sign .*bad\.pem: not a readable PEM private key/m);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // Leave dist/ unsigned, as `npm run package` makes it.
    spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'build', 'package.ts'), '--no-build'], { cwd: ROOT });
  }
});
