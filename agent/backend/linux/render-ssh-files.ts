// SSH on a Debian router: root's authorized keys and an sshd drop-in turning passwords off.
// Only when the config has `admin.ssh_keys` (state.ssh non-null): otherwise SSH is left alone so
// an admin is never locked out.
import type { SshIntent } from '../../slice/desired-state.ts';
import { UnsafeValueError } from '../../base/safe-token.ts';

/** One authorized_keys line: a newline or control character would smuggle in another key or option. */
function safeKeyLine(key: string): string {
  if (!/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/=]+( [\x20-\x7e]*)?$/.test(key)) {
    throw new UnsafeValueError('SSH public key', key);
  }
  return key;
}

export function renderAuthorizedKeys(ssh: SshIntent): string {
  return ['# root\'s SSH keys on this dlan router, written by dlan-agent: local edits are overwritten.', ...ssh.authorizedKeys.map(safeKeyLine), ''].join('\n');
}

export function renderSshdDropIn(): string {
  return [
    '# dlan-agent: key-only logins (admin.ssh_keys is set in the dlan config).',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    '',
  ].join('\n');
}
