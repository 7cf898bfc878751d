// Admin access: SSH public keys must really be public keys of the named type (the base64 blob
// starts with the type name). `ssh_from_wan` without keys is a warning: dlan-agent then leaves SSH
// alone, so "key only" cannot be guaranteed on an open WAN port.
import { Findings, show } from '../../base/findings.ts';
import { asArr, asBool, asObj, asStr, type MeshView } from '../mesh-view.ts';
import { decodeBase64 } from '../../base/base64.ts';
import { secretInFreeText } from '../secret-patterns.ts';

export function checkAdmin(mesh: MeshView, out: Findings): void {
  const admin = asObj(mesh.data.admin);
  if (!admin) return;
  const keys = admin.ssh_keys;
  asArr(keys).forEach((k, i) => {
    const line = asStr(k);
    if (line === undefined) return;
    const problem = sshKeyProblem(line);
    if (problem) out.error(['admin', 'ssh_keys', i], `${show(line)} ${problem}`);
  });
  if (asBool(admin.ssh_from_wan) === true && keys === undefined) {
    out.warn(['admin', 'ssh_from_wan'], 'SSH from the WAN without `admin.ssh_keys`: dlan-agent leaves SSH settings alone, so it cannot make the login key-only; add `ssh_keys`');
  }
}

const ED25519_BLOB = 4 + 'ssh-ed25519'.length + 4 + 32;

/** Why a key line that has the right shape is still not a usable public key; `null` if it is. */
export function sshKeyProblem(line: string): string | null {
  const parts = line.split(/ +/);
  const [type, b64] = parts;
  if (type === undefined || b64 === undefined) return null; // the schema reports the shape
  const blob = decodeBase64(b64);
  if (!blob) return 'is not an SSH public key: its key part is not valid base64';
  const len = blob.length >= 4 ? ((blob[0]! << 24) | (blob[1]! << 16) | (blob[2]! << 8) | blob[3]!) >>> 0 : -1;
  const inner = len > 0 && len < 64 && blob.length >= 4 + len ? String.fromCharCode(...blob.slice(4, 4 + len)) : null;
  if (inner !== type) return `is not a valid ${type} key: the key data ${inner ? `is of type ${inner}` : 'does not start with the key type'} (copy the whole line of the .pub file)`;
  if (type === 'ssh-ed25519' && blob.length !== ED25519_BLOB) return 'is not a valid ssh-ed25519 key: the key data has the wrong length (copy the whole line of the .pub file)';
  const comment = parts.slice(2).join(' ');
  const secret = secretInFreeText(comment);
  if (secret) return `has a comment that ${secret}: never put secrets in the config repo`;
  return null;
}
