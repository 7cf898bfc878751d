// The reference config with the r1–r4 link's WireGuard preshared key sealed for r1 and r4 (each
// given an age identity made for the test): for the sealed-PSK tests of the backend and of the
// QuickJS agent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { encryptAgeArmored } from '../../../agent/secrets/age-encrypt.ts';
import { formatIdentity, identityFileText, parseIdentity, parseRecipient, type AgeIdentity } from '../../../agent/secrets/age-keys.ts';
import { referenceConfig, TEST_KEYS } from './openwrt-root.ts';

export const newSecret = (): Uint8Array => new Uint8Array(randomBytes(32));
const random = async (n: number) => new Uint8Array(randomBytes(n));

export interface TestIdentity {
  secret: Uint8Array;
  identity: AgeIdentity;
}

export function newIdentity(): TestIdentity {
  const secret = newSecret();
  return { secret, identity: parseIdentity(formatIdentity(secret)) };
}

/** The reference config with age recipients for r1 and r4 and their link's PSK sealed for both; returns the folder. */
export async function sealedReferenceConfig(psk: Uint8Array, r1: AgeIdentity, r4: AgeIdentity): Promise<string> {
  const armored = await encryptAgeArmored(psk, [r1, r4].map((id) => parseRecipient(id.recipient)!), random);
  const sealed = armored.trimEnd().split('\n').map((l) => `        ${l}`).join('\n');
  return referenceConfig((yaml) => {
    let out = yaml;
    for (const [name, id] of [['r1', r1], ['r4', r4]] as const) {
      const line = `    public_key: ${TEST_KEYS[name]!.publicKey}\n`;
      assert.ok(out.includes(line));
      out = out.replace(line, `${line}    age_recipient: ${id.recipient}\n`);
    }
    assert.ok(out.includes('  - [r1, r4]\n'));
    return out.replace(
      '  - [r1, r4]\n',
      `  - routers: [r1, r4]\n    preshared_key:\n      recipients:\n        r1: ${r1.recipient}\n        r4: ${r4.recipient}\n      sealed: |\n${sealed}\n`,
    );
  });
}

export function sealedReferenceText(dir: string): string {
  return readFileSync(join(dir, 'dlan.yaml'), 'utf8');
}

/** Writes `<root>/etc/dlan/age.key` (mode `mode`, 0600 unless a test wants it exposed). */
export function seedAgeIdentity(root: string, id: TestIdentity, mode = 0o600): void {
  mkdirSync(join(root, 'etc', 'dlan'), { recursive: true, mode: 0o700 });
  const path = join(root, 'etc', 'dlan', 'age.key');
  writeFileSync(path, identityFileText(id.secret, '2025-01-01T00:00:00Z'), { mode });
  chmodSync(path, mode);
}
