import { formatDiagnostic } from '../../base/diagnostic.ts';
import type { Command } from '../cli-context.ts';
import { loadConfigAt } from '../../load/load-config-at.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a config repo (or one YAML file) against format v1',
  usage: `Usage: dlan-agent validate PATH [--json]
       dlan-agent validate --config PATH [--json]

Checks PATH (a config-repo folder with dlan.yaml and optional routers/*.yaml, or one YAML
file) against the schema and every semantic rule. Prints each problem as
FILE:LINE:COLUMN: YAML.PATH: message. Exit 0 when valid, 1 when not.

  --json   print the problems as a JSON list of {file, path, line, column, message}`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { json: { type: 'boolean' }, config: { type: 'string' } });
    const path = stringFlag(args, 'config') ?? args.positionals[0];
    if (path === undefined || args.positionals.length > (stringFlag(args, 'config') ? 0 : 1)) {
      throw new UsageError('validate takes exactly one PATH');
    }
    const result = await loadConfigAt(ctx.host, path);
    const problems = result.ok ? [] : result.diagnostics;
    const warnings = result.ok ? result.warnings : [];
    if (args.flags.json) {
      ctx.stdout(`${JSON.stringify(problems, null, 2)}\n`);
    } else {
      for (const w of warnings) ctx.stderr(`warning: ${formatDiagnostic(w)}\n`);
      if (result.ok) ctx.stdout(`${path}: valid (${result.config.routers.length} routers, ${result.config.links.length} links, ${result.config.services.length} services)\n`);
      else {
        for (const d of problems) ctx.stdout(`${formatDiagnostic(d)}\n`);
        ctx.stdout(`${path}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
      }
    }
    return result.ok ? 0 : 1;
  },
};
