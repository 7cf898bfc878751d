// `dlan-agent run`: the daemon (procd / systemd service).
import { createAgentLog } from '../../gitops/agent-log.ts';
import { agentPaths } from '../../gitops/agent-paths.ts';
import { openEnv, requireDeps, ROOT_FLAG_HELP } from '../open-env.ts';
import { runDaemon } from '../../gitops/run-daemon.ts';
import { updateRunInfo } from '../../gitops/run-file.ts';
import { runSync, type SyncOutcome } from '../../gitops/cycle/run-sync.ts';
import { selfIdentity } from '../../gitops/process-identity.ts';
import { loadSettings } from '../../settings/settings-file.ts';
import type { Command } from '../cli-context.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'run as a daemon: sync on a schedule (interval + jitter, backoff), SIGHUP/SIGUSR1 = sync now',
  usage: `Usage: dlan-agent run [--root DIR] [--reload|--no-reload]

Runs \`sync\` at start, every interval (plus up to 10 % jitter) and on SIGHUP/SIGUSR1, backing
off after failures (up to an hour). SIGTERM/SIGINT stop it after the running sync. For procd or
systemd; \`init --schedule cron\` is the alternative.
${ROOT_FLAG_HELP}`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { root: { type: 'string' }, reload: { type: 'boolean' }, 'no-reload': { type: 'boolean' } });
    if (args.positionals.length) throw new UsageError('run takes no arguments');
    const root = stringFlag(args, 'root') ?? '/';
    const reload = args.flags['no-reload'] ? false : args.flags.reload ? true : undefined;
    const deps = requireDeps(ctx, 'run');
    if (!deps.daemon) {
      ctx.stderr('dlan-agent run: this build has no daemon support; use cron mode\n');
      return 1;
    }
    const paths = agentPaths(root);
    const log = createAgentLog(ctx.host);
    const first = await loadSettings(ctx.host, root);
    if (!first.ok) {
      for (const e of first.errors) ctx.stderr(`dlan-agent run: ${e}\n`);
      return 2;
    }
    const me = await selfIdentity(ctx.host);
    await updateRunInfo(ctx.host, paths.runFile, { mode: 'daemon', daemonPid: me.pid });
    return runDaemon({
      host: ctx.host,
      runtime: deps.daemon,
      log,
      random: deps.random ?? Math.random,
      interval: async () => {
        const s = await loadSettings(ctx.host, root);
        return s.ok ? s.settings.interval : first.settings.interval;
      },
      sync: async (_why, stopping): Promise<SyncOutcome> => {
        const opened = await openEnv(ctx, 'run', root, reload);
        if (!opened.ok) {
          for (const e of opened.errors) log.log('error', e);
          return { result: 'error', exitCode: 2, message: opened.errors.join('; '), sha: null };
        }
        return runSync(opened.env, { waitMs: 30_000, retryFailed: false, mode: 'daemon', stopping });
      },
      announceNext: (at) => updateRunInfo(ctx.host, paths.runFile, { nextRun: at, mode: 'daemon', daemonPid: at === null ? null : me.pid }),
    });
  },
};
