import { ADMIN_SUMMARIES } from './admin-summaries.ts';
import { renderClientConfig, UnknownClientError } from '../../render/wg-quick/render-client-config.ts';
import { formatDiagnostic } from '../../base/diagnostic.ts';
import type { Command } from '../cli-context.ts';
import { loadConfigAt } from '../../load/load-config-at.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

export const clientConfigCommand: Command = {
  name: 'client-config',
  summary: ADMIN_SUMMARIES['client-config'],
  usage: `Usage: dlan-agent client-config NAME [PATH] [--config PATH]

Prints the wg-quick file of the roaming VPN client NAME (config \`clients:\`) of the config
at PATH (a config-repo folder or a YAML file; default: the current directory). The file has
no private key: the client creates its own (\`wg genkey\`), the PostUp line loads it from
/etc/wireguard/NAME.key, and only its public key goes into the config repo. Phone apps take
the private key pasted in instead (delete the PostUp line).

  dlan-agent client-config laptop > /etc/wireguard/dlan.conf && wg-quick up dlan`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { config: { type: 'string' } });
    const name = args.positionals[0];
    if (name === undefined) throw new UsageError('client-config needs the client NAME');
    const path = stringFlag(args, 'config') ?? args.positionals[1] ?? '.';
    const loaded = await loadConfigAt(ctx.host, path);
    if (!loaded.ok) {
      for (const d of loaded.diagnostics) ctx.stderr(`${formatDiagnostic(d)}\n`);
      return 1;
    }
    try {
      ctx.stdout(renderClientConfig(loaded.config, name));
    } catch (e) {
      if (!(e instanceof UnknownClientError)) throw e;
      ctx.stderr(`dlan-agent client-config: ${e.message}\n`);
      return 1;
    }
    return 0;
  },
};
