// `dlan-agent uninstall`: removes everything dlan-agent owns on this router and puts back what it
// took over (stock interfaces, dnsmasq options, original files), after removing its schedule (a
// cron line or service left behind would rebuild the whole mesh on its next run). The router key
// is kept.
import type { Command } from '../cli-context.ts';
import { parseArgs, stringFlag } from '../parse-args.ts';
import { selectBackend } from '../../backend/select-backend.ts';
import { agentPaths } from '../../gitops/agent-paths.ts';
import { removeSchedule } from '../../gitops/install-schedule.ts';
import { errorMessage, formatPlan, ROOT_HELP } from './plan.ts';

export const uninstallCommand: Command = {
  name: 'uninstall',
  summary: 'remove what dlan-agent owns and restore what it took over',
  usage: `Usage: dlan-agent uninstall [--root DIR] [--reload] [--backend NAME] [--netns NAME]

Removes the schedule (cron line, service), then deletes every section and file dlan-agent
created and gives back the stock sections and options it took over (from its ledger in
DIR/etc/dlan), after a snapshot. The WireGuard key and the settings stay.

${ROOT_HELP}
  --reload          run the service actions`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { root: { type: 'string' }, backend: { type: 'string' }, netns: { type: 'string' }, reload: { type: 'boolean' } });
    try {
      const root = stringFlag(args, 'root') ?? '/';
      const backend = await selectBackend(ctx.host, root, stringFlag(args, 'backend'), stringFlag(args, 'netns'));
      const sched = await removeSchedule(ctx.host, agentPaths(root), backend.name === 'openwrt');
      const how = sched.ran ? `ran ${sched.commands.map((c) => c.join(' ')).join('; ')}` : `on the router, run: ${sched.commands.map((c) => c.join(' ')).join('; ')}`;
      ctx.stderr(`dlan-agent uninstall: schedule removed${sched.wrote.length ? ` (${sched.wrote.join(', ')})` : ''}; ${how}\n`);
      const result = await backend.uninstall({ host: ctx.host, root, reload: args.flags.reload === true });
      ctx.stdout(formatPlan(result, args.flags.reload ? result.ran : result.actions.length ? [] : undefined));
      return result.ran.every((r) => r.ok) ? 0 : 1;
    } catch (e) {
      ctx.stderr(`dlan-agent uninstall: ${errorMessage(e)}\n`);
      return 1;
    }
  },
};
