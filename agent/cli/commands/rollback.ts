// `dlan-agent rollback`: undo the last apply. With --if-unconfirmed TOKEN it is what the
// out-of-process timer runs: it rolls back only when that very apply is still unconfirmed.
import { shortSha } from '../../gitops/agent-log.ts';
import { isoTime, loadState } from '../../gitops/agent-state.ts';
import { openEnv, ROOT_FLAG_HELP } from '../open-env.ts';
import { writeHold } from '../../gitops/rollback/manual-hold.ts';
import { recordRollbackAlone, rollBackAfterDeath, rollBackPending } from '../../gitops/rollback/roll-back-pending.ts';
import { claimPending, readPending } from '../../gitops/rollback/rollback-guard.ts';
import { acquireLock } from '../../gitops/cycle/sync-lock.ts';
import type { Command } from '../cli-context.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'undo the last apply (restore its snapshot) and hold until the branch moves',
  usage: `Usage: dlan-agent rollback [--root DIR] [--snapshot ID] [--reload|--no-reload]
       dlan-agent rollback --if-unconfirmed TOKEN [--root DIR]

Puts back the snapshot taken before the last apply (or snapshot ID) and holds the applied
commit: \`sync\` does not apply it again until the branch moves (or --retry-failed), and
meanwhile puts back what dlan owns in that snapshot when it is edited. A change still waiting
for confirmation is rolled back first.

  --if-unconfirmed TOKEN   the rollback timer's call: roll back only if unconfirmed
  --snapshot ID            the snapshot to restore (default: the last one)
${ROOT_FLAG_HELP}`,
  async run(argv, ctx) {
    const args = parseArgs(argv, {
      root: { type: 'string' },
      'if-unconfirmed': { type: 'string' },
      snapshot: { type: 'string' },
      reload: { type: 'boolean' },
      'no-reload': { type: 'boolean' },
    });
    if (args.positionals.length) throw new UsageError('rollback takes no arguments');
    const root = stringFlag(args, 'root') ?? '/';
    const reload = args.flags['no-reload'] ? false : args.flags.reload ? true : undefined;
    // Settings are only needed to report: a rollback happens even when they are unreadable.
    const { env } = await openEnv(ctx, 'rollback', root, reload);
    const { host, paths, log } = env;
    try {
      const token = stringFlag(args, 'if-unconfirmed');
      if (token !== undefined) {
        const pending = await readPending(host, paths);
        if (!pending || pending.token !== token) return 0; // confirmed (or already rolled back)
        if (!(await claimPending(host, paths, token))) return 0; // the agent is deciding right now
        const r = await rollBackAfterDeath(env, pending, 'timer', `no confirmation within ${Math.round((pending.firesAt - pending.armedAt) / 1000)}s (agent hung or killed)`, recordRollbackAlone(env));
        return r.error ? 1 : 0;
      }
      const lock = await acquireLock(host, paths.lock, { waitMs: 120_000 });
      if (!lock.ok) {
        ctx.stderr(`dlan-agent rollback: ${lock.error ?? `a sync is running (pid ${lock.holder?.pid ?? '?'}); try again`}\n`);
        return 1;
      }
      try {
        const pending = await readPending(host, paths);
        if (pending && (await claimPending(host, paths, pending.token))) {
          const r = await rollBackPending(env, pending, 'manual', 'rolled back by hand (dlan-agent rollback)', recordRollbackAlone(env), true);
          ctx.stdout(`rolled back the unconfirmed change${r.snapshot ? ` (snapshot ${r.snapshot})` : ''}\n`);
          return r.error ? 1 : 0;
        }
        const backend = await env.deps.selectBackend(host, root, env.settings.netns);
        const result = await backend.restore({ host, root, reload: env.reload }, stringFlag(args, 'snapshot'));
        // The applied commit stays known (status shows it, held); until a commit is applied, sync
        // corrects drift to the restored config (this snapshot, from the rollback record), never
        // back to that commit.
        const sha = (await loadState(host, paths.stateFile)).state.applied?.sha ?? null;
        const at = isoTime(host.now());
        const reason = `rolled back by hand to snapshot ${result.snapshot ?? '?'}`;
        if (sha) await writeHold(host, paths.holdFile, { sha, at, reason });
        await recordRollbackAlone(env)({ at, sha, snapshot: result.snapshot, reason, by: 'manual', error: null, message: reason, holdCommit: true, ms: 0 });
        log.log('warn', `phase=rollback ${reason}`, { commit: shortSha(sha), by: 'manual' });
        ctx.stdout(`${reason}; commit ${shortSha(sha)} will not be applied again until the branch moves, and sync keeps the restored config meanwhile\n`);
        return result.ran.every((r) => r.ok) ? 0 : 1;
      } finally {
        await lock.lock.release();
      }
    } catch (e) {
      ctx.stderr(`dlan-agent rollback: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    } finally {
      await log.flush();
    }
  },
};
