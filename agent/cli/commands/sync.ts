// `dlan-agent sync`: one convergence cycle (what cron runs, and what `run` runs on its schedule).
import { createAgentLog } from '../../gitops/agent-log.ts';
import { openEnv, ROOT_FLAG_HELP } from '../open-env.ts';
import { runSync } from '../../gitops/cycle/run-sync.ts';
import { jitterMs } from '../../gitops/schedule.ts';
import type { Command } from '../cli-context.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

export const syncCommand: Command = {
  name: 'sync',
  summary: 'one GitOps cycle: fetch, verify, validate, apply, confirm or roll back, report',
  usage: `Usage: dlan-agent sync [--root DIR] [--wait SECONDS] [--retry-failed] [--jitter] [--reload|--no-reload] [--json]

Fetches the config repo (settings from \`dlan-agent init\`), and when the branch has a new commit:
checks its signature (verify), validates it, computes this router's slice, applies only the
difference with a rollback timer armed, and confirms within confirm_timeout that the router still
reaches the repo (and its WireGuard peers and OSPF neighbours come back) or rolls it back. When
the branch did not move it only checks for drift (by-hand edits of what dlan owns) and corrects
it; with no drift nothing is written and nothing reloaded.

A commit that was refused or rolled back is not tried again until the branch moves.
Exit status: 0 applied / in sync / another sync running, 1 refused / rolled back / error,
2 not configured.

  --wait SECONDS   wait this long for a running sync to finish (default 10)
  --retry-failed   try the branch head even if it failed before
  --jitter         first sleep a random time up to 10 % of the interval (for cron)
  --reload         run service actions even with --root DIR (default: only when DIR is /)
  --no-reload      never run service actions
  --json           print the outcome as JSON
${ROOT_FLAG_HELP}`,
  async run(argv, ctx) {
    const args = parseArgs(argv, {
      root: { type: 'string' },
      wait: { type: 'string' },
      'retry-failed': { type: 'boolean' },
      jitter: { type: 'boolean' },
      reload: { type: 'boolean' },
      'no-reload': { type: 'boolean' },
      json: { type: 'boolean' },
      cron: { type: 'boolean' },
    });
    if (args.positionals.length) throw new UsageError('sync takes no arguments');
    const wait = stringFlag(args, 'wait') ?? '10';
    if (!/^\d+$/.test(wait)) throw new UsageError('--wait takes whole seconds');
    const root = stringFlag(args, 'root') ?? '/';
    const reload = args.flags['no-reload'] ? false : args.flags.reload ? true : undefined;
    const opened = await openEnv(ctx, 'sync', root, reload);
    if (!opened.ok) {
      for (const e of opened.errors) ctx.stderr(`dlan-agent sync: ${e}\n`);
      await createAgentLog(ctx.host).flush();
      return 2;
    }
    const { env } = opened;
    if (args.flags.jitter) await ctx.host.sleep(jitterMs(env.settings.interval, env.deps.random ?? Math.random));
    const outcome = await runSync(env, {
      waitMs: Number(wait) * 1000,
      retryFailed: args.flags['retry-failed'] === true,
      mode: args.flags.cron || args.flags.jitter ? 'cron' : 'manual',
    });
    if (args.flags.json) ctx.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    else ctx.stdout(`${outcome.result}: ${outcome.message}\n`);
    return outcome.exitCode;
  },
};
