// `--netns NAME` (setting `netns`): the Linux backend's network steps in a named network namespace
// instead of the host's. The one place it happens: every program the backend runs (`ip`, `wg`,
// `nft`, wireguard-go, the sysctl writes, the resolver, service commands) is run through
// `ip netns exec NAME`, so none of them can reach the host's own interfaces or ruleset. Files
// are not affected: they follow `--root` (the file API is the host's).
import type { Host } from '../../host/host.ts';
import { NETNS_NAME } from '../../settings/agent-settings.ts';


export class NetnsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetnsError';
  }
}

/** The name when it is a valid network namespace name, else a NetnsError (before anything runs). */
export function checkNetnsName(name: string): string {
  if (!NETNS_NAME.test(name)) throw new NetnsError(`netns: ${JSON.stringify(name)} is not a network namespace name (letters, digits, _ . -; at most 64)`);
  return name;
}

/**
 * A Host whose programs run in network namespace `name`. Refused with a clear error, before the
 * backend reads or writes anything, when the namespace does not exist (`ip netns add` makes
 * /run/netns/NAME): `ip netns exec` would fail on every command, half-way through an apply.
 */
export async function enterNetns(host: Host, name: string): Promise<Host> {
  checkNetnsName(name);
  if ((await host.files.stat(`/run/netns/${name}`)) === null) {
    throw new NetnsError(`network namespace \`${name}\` does not exist (no /run/netns/${name}; \`ip netns list\` shows them, \`ip netns add ${name}\` creates it): nothing changed`);
  }
  return {
    files: host.files,
    env: (n) => host.env(n),
    now: () => host.now(),
    sleep: (ms) => host.sleep(ms),
    log: host.log,
    async exec(program, args, opts) {
      const r = await host.exec('ip', ['netns', 'exec', name, program, ...args], opts);
      // `ip netns exec` exits 1 when the program is missing; callers tell "not installed" by 127.
      return r.code === 1 && /^exec of ".*" failed: No such file or directory/m.test(r.stderr) ? { ...r, code: 127 } : r;
    },
  };
}
