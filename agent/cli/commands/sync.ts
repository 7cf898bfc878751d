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
  usage: `Usage: dlan-agent sync [--root DIR] [--wait SECONDS] [--retry-failed] [--allow-rewind] [--jitter] [--reload|--no-reload] [--json]

A new commit on the branch is fetched, verified, validated and applied (only the difference,
rollback timer armed), then confirmed within confirm_timeout (repo reachable, peers and OSPF
neighbours back) or rolled back. Otherwise only drift (hand edits of what dlan owns) is
corrected; no drift, nothing written. A refused or rolled-back commit is held until the branch
moves; one whose run died is retried once.
Exit status: 0 applied / in sync / busy, 1 refused / rolled back / error, 2 not configured.

  --wait SECONDS   wait this long for a running sync to finish (default 10)
  --retry-failed   try the branch head even if it failed before
  --allow-rewind   accept an older or rewritten head, once
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
      'allow-rewind': { type: 'boolean' },
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
      retryFailed: args.flags['retry-failed'] === true || args.flags['allow-rewind'] === true,
      allowRewind: args.flags['allow-rewind'] === true,
      mode: args.flags.cron || args.flags.jitter ? 'cron' : 'manual',
    });
    if (args.flags.json) ctx.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    else ctx.stdout(`${outcome.result}: ${outcome.message}\n`);
    return outcome.exitCode;
  },
};
