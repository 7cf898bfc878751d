// `dlan-agent keygen`: creates this router's WireGuard key when absent and prints its public key,
// the value to put into the config as `routers.<name>.public_key`.
import { statePaths } from '../../backend/openwrt/openwrt-paths.ts';
import { ensureRouterKey } from '../../backend/common/router-key.ts';
import type { Command } from '../cli-context.ts';
import { parseArgs, stringFlag } from '../parse-args.ts';
import { errorMessage } from './plan.ts';

export const keygenCommand: Command = {
  name: 'keygen',
  summary: "create this router's WireGuard key if absent and print its public key",
  usage: `Usage: dlan-agent keygen [--root DIR]

Creates DIR/etc/dlan/wireguard.key (mode 0600, with \`wg genkey\`) unless it exists, and prints
the public key for the config (routers.NAME.public_key). The private key is never printed.

  --root DIR        treat DIR as / (default: /)`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { root: { type: 'string' } });
    try {
      const paths = statePaths(stringFlag(args, 'root') ?? '/');
      const { publicKey, created } = await ensureRouterKey(ctx.host, paths);
      if (created) ctx.stderr(`dlan-agent keygen: created ${paths.key}\n`);
      ctx.stdout(`${publicKey}\n`);
      return 0;
    } catch (e) {
      ctx.stderr(`dlan-agent keygen: ${errorMessage(e)}\n`);
      return 1;
    }
  },
};
