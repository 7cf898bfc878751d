// The signature block of an apk v3 package, so `apk add` trusts it once the public key is in
// /etc/apk/keys/ (no --allow-untrusted). Learnt from apk-tools' src/adb.c
// (adb_trust_write_signatures, adb_digest_v0_signature), src/adb.h (struct adb_sign_v0) and
// src/crypto_openssl.c (apk_pkey_init); nothing copied:
//   SIG block payload = u8 sign_ver 0, u8 hash_alg 4 (sha512), 16-byte key id, signature
//   key id            = the first 16 bytes of sha512 over the public key as OpenSSL's
//                       i2d_PublicKey writes it (EC: the uncompressed point; RSA: PKCS#1 DER)
//   signed message    = u32 LE schema ("pckg") + the 18 header bytes above + sha512(ADB block)
//   signature         = the key's own scheme over that message with sha512 (ECDSA: DER; RSA:
//                       PKCS#1 v1.5). ECDSA signatures are randomised: two builds signed with an
//                       EC key differ in this block only.
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';

const SIGN_VERSION = 0;
const HASH_SHA512 = 4;

/** What i2d_PublicKey writes for the key, the input of apk's key id. */
function publicKeyBytes(key: KeyObject): Buffer {
  const pub = createPublicKey(key);
  if (pub.asymmetricKeyType === 'rsa') return pub.export({ type: 'pkcs1', format: 'der' });
  if (pub.asymmetricKeyType === 'ec') {
    const jwk = pub.export({ format: 'jwk' });
    return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  }
  throw new Error(`apk signing: ${pub.asymmetricKeyType} keys are not supported (use an EC prime256v1 or an RSA key)`);
}

export const apkKeyId = (key: KeyObject): Buffer => createHash('sha512').update(publicKeyBytes(key)).digest().subarray(0, 16);

/** The SIG block payload for `database` (the ADB block's bytes) of a package. */
export function signatureBlock(database: Buffer, schema: string, privateKey: KeyObject): Buffer {
  const head = Buffer.concat([Buffer.from([SIGN_VERSION, HASH_SHA512]), apkKeyId(privateKey)]);
  const message = Buffer.concat([Buffer.from(schema, 'latin1'), head, createHash('sha512').update(database).digest()]);
  return Buffer.concat([head, sign('sha512', message, privateKey)]);
}
