// `dlan-agent status [--json]`: what an admin reads over SSH. Exit 0 healthy, 1 degraded, 2 failed.
import { agentPaths } from '../../gitops/agent-paths.ts';
import { collectStatus, exitCodeFor } from '../../gitops/status/collect-status.ts';
import { formatStatus } from '../../gitops/status/format-status.ts';
import { ROOT_FLAG_HELP } from '../open-env.ts';
import { loadSettings } from '../../settings/settings-file.ts';
import type { Command } from '../cli-context.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: 'where this router stands: applied vs remote commit, errors, drift, peers, OSPF, services',
  usage: `Usage: dlan-agent status [--json] [--root DIR]

The applied commit against the branch head last seen (in-sync, behind, failed, confirming,
never-applied), last and next run, last error, drift, rollbacks, WireGuard peers, OSPF
neighbours, BFD sessions and whether dnsmasq, bird and nginx run (wg/birdc asked with short
timeouts: a daemon that is down shows as unknown). Nothing is fetched or written.
Exit status: 0 healthy, 1 degraded, 2 failed (or not set up).

  --json   the same as a JSON document (schema 1, documented in docs/gitops.md)
${ROOT_FLAG_HELP}`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { json: { type: 'boolean' }, root: { type: 'string' } });
    if (args.positionals.length) throw new UsageError('status takes no arguments');
    const root = stringFlag(args, 'root') ?? '/';
    const loaded = await loadSettings(ctx.host, root);
    const report = await collectStatus(ctx.host, agentPaths(root), loaded.ok ? loaded.settings : null);
    if (!loaded.ok) {
      report.health = 'failed';
      report.problems.unshift(...loaded.errors);
    }
    if (args.flags.json) ctx.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else ctx.stdout(formatStatus(report, ctx.host.now(), ctx.isTTY));
    return exitCodeFor(report.health);
  },
};
