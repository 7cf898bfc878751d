// The command dispatcher, shared by the node and QuickJS entries: `dlan-agent COMMAND ...`.
// Exit codes: what the command returns; 64 for usage errors (with the command's usage text).
import type { CliContext, Command } from './cli-context.ts';
import { applyCommand } from './commands/apply.ts';
import { graphCommand } from './commands/graph.ts';
import { clientConfigCommand } from './commands/client-config.ts';
import { reviewCommand } from './commands/review.ts';
import { keygenCommand } from './commands/keygen.ts';
import { planCommand } from './commands/plan.ts';
import { renderCommand } from './commands/render.ts';
import { restoreCommand } from './commands/restore.ts';
import { uninstallCommand } from './commands/uninstall.ts';
import { validateCommand } from './commands/validate.ts';
import { initCommand } from './commands/init.ts';
import { rollbackCommand } from './commands/rollback.ts';
import { runCommand } from './commands/run.ts';
import { statusCommand } from './commands/status.ts';
import { syncCommand } from './commands/sync.ts';
import { sealCommand } from './commands/seal.ts';
import { UsageError } from './parse-args.ts';

export const COMMANDS: Command[] = [validateCommand, renderCommand, planCommand, applyCommand, keygenCommand, uninstallCommand, restoreCommand, initCommand, syncCommand, runCommand, statusCommand, rollbackCommand, graphCommand, reviewCommand, sealCommand, clientConfigCommand];

function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: dlan-agent COMMAND [options]

dlan-agent converges one dlan router to the mesh described in a git repo.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`dlan-agent COMMAND --help\` for the options of a command.
Options: --help, --version
`;
}

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout(mainUsage());
    return name === undefined ? 64 : 0;
  }
  if (name === '--version' || name === '-V') {
    ctx.stdout(`dlan-agent ${ctx.version}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    ctx.stderr(`dlan-agent: unknown command \`${name}\`\n\n${mainUsage()}`);
    return 64;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout(`${command.usage}\n`);
    return 0;
  }
  if (rest.includes('--version')) {
    ctx.stdout(`dlan-agent ${ctx.version}\n`);
    return 0;
  }
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.stderr(`dlan-agent ${command.name}: ${e.message}\n\n${command.usage}\n`);
      return 64;
    }
    throw e;
  }
}
