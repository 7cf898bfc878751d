// `dlan-agent apply`: converge this router to its slice of the config, writing only the
// difference; service actions run only with --reload (otherwise they are printed).
import { planAndApply } from '../../backend/backend.ts';
import type { Command } from '../cli-context.ts';
import { parseArgs, UsageError } from '../parse-args.ts';
import { backendFor, errorMessage, formatPlan, loadRouterState, ROOT_HELP, TARGET_FLAGS } from './plan.ts';

export const applyCommand: Command = {
  name: 'apply',
  summary: 'converge this router to the config: write only the difference, reload only what changed',
  usage: `Usage: dlan-agent apply PATH --router NAME [--root DIR] [--reload] [--backend NAME] [--netns NAME] [--json]
       dlan-agent apply --config PATH --router NAME [...]

Writes the difference between the router and its desired state (after a snapshot), verifies it,
and runs the service actions it needs when --reload is given (otherwise prints them).
Exit status: 0 on success, 1 on error or when a service action failed.

${ROOT_HELP}
  --reload          run the service actions (reload network, firewall, dnsmasq, bird, nginx…)
  --json            print the result as JSON
Environment: DLAN_UCI  the uci program to run (default: uci)`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { ...TARGET_FLAGS, reload: { type: 'boolean' } });
    try {
      const state = await loadRouterState(args, ctx, 'apply');
      if (state === null) return 1;
      const { backend, root } = await backendFor(args, ctx);
      const result = await planAndApply(backend, state, { host: ctx.host, root, reload: args.flags.reload === true });
      if (args.flags.json) ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else {
        ctx.stdout(formatPlan(result, result.ran.length || args.flags.reload ? result.ran : result.actions.length ? [] : undefined));
        if (result.snapshot) ctx.stdout(`Snapshot ${result.snapshot} taken before writing (\`dlan-agent restore\` puts it back).\n`);
      }
      return result.ran.every((r) => r.ok) ? 0 : 1;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      ctx.stderr(`dlan-agent apply: ${errorMessage(e)}\n`);
      return 1;
    }
  },
};
