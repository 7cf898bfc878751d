// The router's age identity: `<root>/etc/dlan/age.key` (mode 0600, age-keygen's layout), created
// once by `dlan-agent init` and never leaving the router. Its recipient (`age1…`) is printed for
// the config repo (`routers.NAME.age_recipient`); link secrets are sealed to it.
import * as DLAN_PATHS from '../base/dlan-paths.ts';
import { underRoot } from '../base/dlan-paths.ts';
import type { Host } from '../host/host.ts';
import type { RandomBytes } from './age-encrypt.ts';
import { AgeKeyError, identityFileText, parseIdentityFile, type AgeIdentity } from './age-keys.ts';
import { randomBytesFrom } from './random-bytes.ts';

export function ageIdentityPath(root: string): string {
  return underRoot(root, DLAN_PATHS.ageIdentity);
}

/** The identity, or `null` when the file does not exist. Refuses a file others can read. */
export async function readRouterIdentity(host: Host, path: string): Promise<AgeIdentity | null> {
  const stat = await host.files.stat(path);
  if (stat === null) return null;
  if ((stat.mode & 0o077) !== 0) {
    throw new AgeKeyError(`${path} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}): run \`chmod 600 ${path}\`; if others may have read it, create a new identity and seal the link secrets again`);
  }
  const text = await host.files.read(path);
  if (text === null) return null;
  return parseIdentityFile(text, path);
}

/** Creates the identity when absent; returns its recipient and whether it was created. */
export async function ensureRouterIdentity(host: Host, path: string, random: RandomBytes, nowMs: number): Promise<{ recipient: string; created: boolean }> {
  const existing = await readRouterIdentity(host, path);
  if (existing) return { recipient: existing.recipient, created: false };
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  await host.files.mkdirp(dir, 0o700);
  const text = identityFileText(await random(32), new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  await host.files.write(path, text, { mode: 0o600 });
  const written = await readRouterIdentity(host, path);
  if (!written) throw new AgeKeyError(`${path} could not be written`);
  return { recipient: written.recipient, created: true };
}

/**
 * What `dlan-agent init` calls: creates `<root>/etc/dlan/age.key` unless it exists (randomness
 * from node's CSPRNG, or `wg genpsk` through the host on QuickJS) and returns the recipient to
 * print as `age_recipient:` next to `public_key:`.
 */
export async function ensureRouterAgeIdentity(host: Host, root: string): Promise<{ recipient: string; created: boolean; path: string }> {
  const path = ageIdentityPath(root);
  const r = await ensureRouterIdentity(host, path, randomBytesFrom(host), host.now());
  return { ...r, path };
}
