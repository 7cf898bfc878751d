// `dlan-agent restore`: puts back the files of a snapshot (the latest by default) and reruns the
// service actions of what it changed.
import type { Command } from '../cli-context.ts';
import { parseArgs, stringFlag } from '../parse-args.ts';
import { selectBackend } from '../../backend/select-backend.ts';
import { errorMessage, formatPlan, ROOT_HELP } from './plan.ts';

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'put back the files of the last (or a given) snapshot',
  usage: `Usage: dlan-agent restore [--snapshot ID] [--root DIR] [--reload] [--backend NAME] [--netns NAME]

Every apply and uninstall takes a snapshot of the files it may touch before writing. restore
writes them back (the newest snapshot unless --snapshot is given) and reloads what changed.

  --snapshot ID     the snapshot to restore (see DIR/etc/dlan/snapshots)
${ROOT_HELP}
  --reload          run the service actions`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { root: { type: 'string' }, backend: { type: 'string' }, netns: { type: 'string' }, reload: { type: 'boolean' }, snapshot: { type: 'string' } });
    try {
      const root = stringFlag(args, 'root') ?? '/';
      const backend = await selectBackend(ctx.host, root, stringFlag(args, 'backend'), stringFlag(args, 'netns'));
      const result = await backend.restore({ host: ctx.host, root, reload: args.flags.reload === true }, stringFlag(args, 'snapshot'));
      ctx.stdout(formatPlan(result, args.flags.reload ? result.ran : result.actions.length ? [] : undefined));
      if (result.snapshot) ctx.stdout(`Restored snapshot ${result.snapshot}.\n`);
      return result.ran.every((r) => r.ok) ? 0 : 1;
    } catch (e) {
      ctx.stderr(`dlan-agent restore: ${errorMessage(e)}\n`);
      return 1;
    }
  },
};
