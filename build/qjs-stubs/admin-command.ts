// Stand-in for an admin-side command (seal, review, graph, client-config) in the QuickJS bundle. Those commands
// run on admins' machines and in CI, under node; leaving them out keeps the router bundle small.
import type { Command } from '../../agent/cli/cli-context.ts';
import { ADMIN_SUMMARIES } from '../../agent/cli/commands/admin-summaries.ts';

export function nodeOnlyCommand(name: keyof typeof ADMIN_SUMMARIES): Command {
  return {
    name,
    summary: ADMIN_SUMMARIES[name],
    usage: `dlan-agent ${name} runs on admins' machines and in CI: use the node build (dist/dlan-agent.js).`,
    async run(_argv, ctx) {
      ctx.stderr(`dlan-agent ${name}: not in the QuickJS build (routers); run it with the node build (dist/dlan-agent.js)\n`);
      return 1;
    },
  };
}
