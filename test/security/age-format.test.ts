// dlan's age implementation against the reference one (age-encryption, by age's author): files
// sealed by either open with the other, armored and binary, one chunk and several; altered files,
// wrong identities and malformed keys are refused with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as age from 'age-encryption';
import { decryptAge, AgeOpenError } from '../../agent/secrets/age-decrypt.ts';
import { encryptAge, encryptAgeArmored } from '../../agent/secrets/age-encrypt.ts';
import { armor, dearmor } from '../../agent/secrets/age-file.ts';
import { formatIdentity, parseIdentity, parseIdentityFile, parseRecipient, identityFileText } from '../../agent/secrets/age-keys.ts';
import { sealedSecretProblem } from '../../agent/secrets/inspect-sealed.ts';
import { bech32Decode, bech32Encode } from '../../agent/secrets/bech32.ts';

const random = async (n: number) => new Uint8Array(randomBytes(n));
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

test('age keys: identity and recipient text forms match the reference implementation', async () => {
  for (let i = 0; i < 5; i++) {
    const idText = await age.generateX25519Identity();
    const id = parseIdentity(idText);
    assert.equal(id.recipient, await age.identityToRecipient(idText));
    assert.equal(formatIdentity(id.secret), idText);
    assert.deepEqual(parseRecipient(id.recipient), id.publicKey);
  }
});

test('age keys: a recipient with a wrong checksum, case mix or length is refused', async () => {
  const rec = await age.identityToRecipient(await age.generateX25519Identity());
  const flipped = rec.slice(0, 10) + (rec[10] === 'q' ? 'p' : 'q') + rec.slice(11);
  assert.equal(parseRecipient(flipped), null);
  assert.equal(parseRecipient(rec.toUpperCase()), null);
  assert.equal(parseRecipient(rec.slice(0, -1)), null);
  assert.throws(() => parseIdentity(rec), /not an age X25519 identity/);
  // bech32 itself: round trip and the BIP-173 rule against mixed case.
  const data = new Uint8Array(randomBytes(32));
  const enc = bech32Encode('age', data);
  assert.deepEqual(bech32Decode(enc)?.data, data);
  assert.equal(bech32Decode(enc.slice(0, 5) + enc.slice(5).toUpperCase()), null);
});

test('age key file: age-keygen layout, exactly one identity', () => {
  const secret = new Uint8Array(randomBytes(32));
  const file = identityFileText(secret, '2025-01-01T00:00:00Z');
  const id = parseIdentityFile(file, 'age.key');
  assert.match(file, new RegExp(`^# created: 2025-01-01T00:00:00Z\\n# public key: ${id.recipient}\\nAGE-SECRET-KEY-1`));
  assert.throws(() => parseIdentityFile(`${file}${formatIdentity(secret)}\n`, 'age.key'), /exactly one age identity/);
  assert.throws(() => parseIdentityFile('# nothing\n', 'age.key'), /exactly one age identity .*found 0 key lines/);
  assert.throws(() => parseIdentityFile('AGE-SECRET-KEY-1QQQ\n', 'age.key'), /does not hold an age X25519 identity/);
});

test('age: files from the reference implementation open here (binary, armored, several chunks, several recipients)', async () => {
  const ids = [await age.generateX25519Identity(), await age.generateX25519Identity()];
  const mine = ids.map(parseIdentity);
  for (const plain of [bytes(''), bytes('hello'), new Uint8Array(randomBytes(64 * 1024)), new Uint8Array(randomBytes(150_000))]) {
    const e = new age.Encrypter();
    for (const id of ids) e.addRecipient(await age.identityToRecipient(id));
    const file = await e.encrypt(plain);
    assert.deepEqual(decryptAge(file, [mine[1]!]), plain);
    assert.deepEqual(decryptAge(age.armor.encode(file), [mine[0]!]), plain);
  }
});

test('age: files sealed here open with the reference implementation', async () => {
  const idText = await age.generateX25519Identity();
  const other = await age.generateX25519Identity();
  const recipients = [parseRecipient(await age.identityToRecipient(other))!, parseRecipient(await age.identityToRecipient(idText))!];
  for (const plain of [bytes('psk'), new Uint8Array(randomBytes(200_000)), new Uint8Array(0)]) {
    const d = new age.Decrypter();
    d.addIdentity(idText);
    assert.deepEqual(await d.decrypt(await encryptAge(plain, recipients, random)), plain);
    const armored = await encryptAgeArmored(plain, recipients, random);
    assert.deepEqual(await d.decrypt(age.armor.decode(armored)), plain);
    assert.equal(armor(dearmor(armored)), armored, 'armor round trip is canonical');
  }
});

test('age: a wrong identity, an altered header or payload, a truncated file are refused with a reason', async () => {
  const id = parseIdentity(await age.generateX25519Identity());
  const stranger = parseIdentity(await age.generateX25519Identity());
  const file = await encryptAge(bytes('a 32-byte key would go here....!'), [id.publicKey], random);
  assert.throws(() => decryptAge(file, [stranger]), (e: unknown) => e instanceof AgeOpenError && /not sealed for this identity/.test(e.message));
  const headerEnd = file.indexOf(0x2d /* - */, 30);
  for (const [at, why] of [[headerEnd - 3, /MAC|malformed|not sealed/], [file.length - 1, /does not authenticate/], [file.length - 20, /does not authenticate/]] as const) {
    const bad = Uint8Array.from(file);
    bad[at]! ^= 1;
    assert.throws(() => decryptAge(bad, [id]), (e: unknown) => e instanceof AgeOpenError && why.test(e.message), `flip at ${at}`);
  }
  assert.throws(() => decryptAge(file.subarray(0, file.length - 5), [id]), /does not authenticate|truncated/);
  assert.throws(() => decryptAge('-----BEGIN AGE ENCRYPTED FILE-----\nnot base64!\n-----END AGE ENCRYPTED FILE-----\n', [id]), /not a valid age file/);
  assert.throws(() => decryptAge('hello', [id]), /not a valid age file/);
  // The header MAC binds the stanzas: swapping in another file's stanza is detected.
  const other = await encryptAge(bytes('x'), [id.publicKey], random);
  const mixed = Uint8Array.from([...other.subarray(0, other.indexOf(0x2d, 30)), ...file.subarray(headerEnd)]);
  assert.throws(() => decryptAge(mixed, [id]), /MAC|authenticate/);
});

test('inspect: a sealed key is checked without opening it (stanza count, payload size, armor)', async () => {
  const a = parseIdentity(formatIdentity(new Uint8Array(randomBytes(32))));
  const b = parseIdentity(formatIdentity(new Uint8Array(randomBytes(32))));
  const good = await encryptAgeArmored(new Uint8Array(randomBytes(32)), [a.publicKey, b.publicKey], random);
  assert.equal(sealedSecretProblem(good, 2), null);
  assert.match(sealedSecretProblem(good, 3)!, /holds 2 recipient stanzas but names 3/);
  assert.match(sealedSecretProblem(await encryptAgeArmored(bytes('short'), [a.publicKey, b.publicKey], random), 2)!, /does not hold a 32-byte key/);
  assert.match(sealedSecretProblem('plaintext-psk', 2)!, /not a sealed age file/);
  assert.match(sealedSecretProblem(good.replace(/\n([A-Za-z0-9+/]{64})\n/, '\n$1$1\n'), 2)!, /64 columns/);
});
