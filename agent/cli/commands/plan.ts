// `dlan-agent plan`: what `apply` would change on this router, without changing anything.
// Exit codes follow `terraform plan -detailed-exitcode`: 0 nothing to do, 2 changes pending, 1 error.
import type { ApplyResult, Backend, Plan } from '../../backend/backend.ts';
import { selectBackend } from '../../backend/select-backend.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { sliceRouter } from '../../slice/slice-router.ts';
import { formatDiagnostic } from '../../base/diagnostic.ts';
import type { CliContext, Command } from '../cli-context.ts';
import { loadConfigAt } from '../../load/load-config-at.ts';
import type { ParsedArgs } from '../parse-args.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

export const ROOT_HELP = `  --root DIR        treat DIR as / (UCI config in DIR/etc/config, state in DIR/etc/dlan)
  --backend NAME    openwrt or linux (default: openwrt when DIR/etc/openwrt_release exists)
  --netns NAME      linux: run ip, wg, nft and services in network namespace NAME`;

export const TARGET_FLAGS = {
  config: { type: 'string' },
  router: { type: 'string' },
  root: { type: 'string' },
  backend: { type: 'string' },
  netns: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Loads the config and computes the router's desired state; `null` after printing the errors. */
export async function loadRouterState(args: ParsedArgs, ctx: CliContext, command: string): Promise<DesiredState | null> {
  const path = stringFlag(args, 'config') ?? args.positionals[0];
  const router = stringFlag(args, 'router');
  if (path === undefined) throw new UsageError(`${command} needs a config PATH`);
  if (router === undefined) throw new UsageError(`${command} needs --router NAME`);
  const loaded = await loadConfigAt(ctx.host, path);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) ctx.stderr(`${formatDiagnostic(d)}\n`);
    return null;
  }
  return sliceRouter(loaded.config, router);
}

export async function backendFor(args: ParsedArgs, ctx: CliContext): Promise<{ backend: Backend; root: string }> {
  const root = stringFlag(args, 'root') ?? '/';
  return { backend: await selectBackend(ctx.host, root, stringFlag(args, 'backend'), stringFlag(args, 'netns')), root };
}

function indent(text: string, prefix: string): string {
  // A unified diff ends in a newline; no trailing blank indented line for it.
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

const MARK = { add: '+', change: '~', delete: '-' } as const;

/** Human-readable plan: every change with its detail, then the service actions in order. */
export function formatPlan(plan: Plan, ran?: ApplyResult['ran']): string {
  const lines: string[] = [];
  if (plan.changes.length === 0) lines.push(`${plan.router || 'router'}: no changes.`);
  for (const c of plan.changes) {
    lines.push(`${MARK[c.op]} ${c.target} (${c.kind})`);
    if (c.detail) lines.push(indent(c.detail, '      '));
  }
  if (plan.actions.length) {
    lines.push('', 'Service actions:');
    plan.actions.forEach((a, i) => {
      const outcome = ran?.find((r) => r.action === a);
      const status = ran === undefined ? '' : outcome === undefined ? ' [not run: add --reload]' : outcome.ok ? ' [ok]' : ' [FAILED]';
      lines.push(`  ${i + 1}. ${a.service} ${a.action}: ${a.argv.join(' ')}${status}  # ${a.why}`);
      if (outcome && !outcome.ok && outcome.output) lines.push(indent(outcome.output, '       '));
    });
  } else if (plan.changes.length) lines.push('', 'Service actions: none');
  return `${lines.join('\n')}\n`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'show what apply would change on this router (exit 0: nothing, 2: changes, 1: error)',
  usage: `Usage: dlan-agent plan PATH --router NAME [--root DIR] [--backend NAME] [--netns NAME] [--json]
       dlan-agent plan --config PATH --router NAME [...]

Prints the configuration and file differences and the service actions an apply would run.
Exit status: 0 when nothing would change, 2 when something would, 1 on error.

${ROOT_HELP}
  --json            print the plan as JSON
Environment: DLAN_UCI  the uci program to run (default: uci)`,
  async run(argv, ctx) {
    const args = parseArgs(argv, TARGET_FLAGS);
    try {
      const state = await loadRouterState(args, ctx, 'plan');
      if (state === null) return 1;
      const { backend, root } = await backendFor(args, ctx);
      const plan = await backend.plan(state, { host: ctx.host, root, reload: false });
      ctx.stdout(args.flags.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
      return plan.changes.length === 0 && plan.actions.length === 0 ? 0 : 2;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      ctx.stderr(`dlan-agent plan: ${errorMessage(e)}\n`);
      return 1;
    }
  },
};
