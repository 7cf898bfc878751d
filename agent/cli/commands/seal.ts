// `dlan-agent seal`: the admin side of sealed link secrets. Creates a WireGuard preshared key for
// every link (or one) whose two routers publish an age_recipient, seals it for exactly those two
// routers, and writes it into dlan.yaml in place (comments and formatting kept). Runs on the
// admin's machine, in a checkout of the config repo; the plaintext keys exist only in memory.
import { ADMIN_SUMMARIES } from './admin-summaries.ts';
import { loadConfig } from '../../load/load-config.ts';
import { mergeConfigFiles } from '../../load/merge-config-files.ts';
import { parseYamlFile, type ConfigFile } from '../../config/parse-yaml-file.ts';
import { readConfigFiles } from '../../config/read-config-files.ts';
import { randomBytesFrom } from '../../secrets/random-bytes.ts';
import { parseRecipient } from '../../secrets/age-keys.ts';
import { SealError, sealLinks } from '../../secrets/seal-links.ts';
import { formatDiagnostic, type Diagnostic } from '../../base/diagnostic.ts';
import type { Command } from '../cli-context.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';
import { errorMessage } from './plan.ts';

/** Errors seal itself repairs: a missing, stale or malformed sealed key. */
function sealFixes(d: Diagnostic): boolean {
  return /^links\[\d+\]\.preshared_key(\.|$)/.test(d.path);
}

export const sealCommand: Command = {
  name: 'seal',
  summary: ADMIN_SUMMARIES.seal,
  usage: `Usage: dlan-agent seal PATH [--link A,B] [--rotate] [--dry-run]

For every link whose two routers publish an age_recipient (printed by \`dlan-agent init\`),
creates a random WireGuard preshared key, seals it with age for exactly those two routers and
writes it into PATH's dlan.yaml as the link's \`preshared_key\` (comments and formatting kept).
A link whose key is already sealed for the current recipients is kept, unless --rotate is given;
a key sealed for an old recipient (a router got a new identity) is replaced. Commit and push the
result: each router opens its keys at its next sync. Nobody else, the admin included, can.

  PATH              the config repo folder (holding dlan.yaml) or its dlan.yaml
  --link A,B        only the link between routers A and B
  --rotate          new keys even where the current ones are valid
  --dry-run         print what would change, write nothing`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { link: { type: 'string' }, rotate: { type: 'boolean' }, 'dry-run': { type: 'boolean' } });
    const path = args.positionals[0];
    if (path === undefined || args.positionals.length > 1) throw new UsageError('seal needs exactly one PATH');
    const linkFlag = stringFlag(args, 'link');
    const link = linkFlag?.split(',');
    if (link && (link.length !== 2 || link.some((n) => !/^[a-z0-9-]{1,63}$/.test(n)))) throw new UsageError('--link takes two router names: --link A,B');
    try {
      const read = await readConfigFiles(ctx.host, path);
      if (!read.ok) return fail(ctx, read.diagnostics);
      const before = loadConfig(read.files);
      if (!before.ok && !before.diagnostics.every(sealFixes)) return fail(ctx, before.diagnostics.filter((d) => !sealFixes(d)));
      const [main, ...routerFiles] = read.files as [ConfigFile, ...ConfigFile[]];
      const recipients = routerRecipients(read.files);
      const result = await sealLinks(main, recipients, { rotate: args.flags.rotate === true, ...(link ? { link: [link[0]!, link[1]!] as [string, string] } : {}) }, randomBytesFrom(ctx.host));
      for (const o of result.outcomes) ctx.stdout(`${o.action.padEnd(8)} ${o.link}: ${o.why}\n`);
      if (link && result.outcomes.some((o) => o.action === 'skipped')) return 1;
      if (!result.changed) {
        ctx.stdout('nothing to write.\n');
        return 0;
      }
      // The edited file must load as cleanly as the rest of the repo allows: never write a
      // config the routers would refuse because of seal's own edit.
      const after = loadConfig([{ path: main.path, text: result.text }, ...routerFiles]);
      const untouched = new Set(result.outcomes.filter((o) => o.action === 'kept' || o.action === 'skipped').map((o) => o.link));
      const bad = after.ok ? [] : after.diagnostics.filter((d) => !(sealFixes(d) && untouched.size > 0));
      if (bad.length > 0) {
        ctx.stderr('dlan-agent seal: internal error, the edited file does not validate (nothing written):\n');
        return fail(ctx, bad);
      }
      if (args.flags['dry-run']) {
        ctx.stdout(`would write ${main.path} (--dry-run: nothing written).\n`);
        return 0;
      }
      const target = path.endsWith('.yaml') || path.endsWith('.yml') ? path : `${path.replace(/\/+$/, '')}/${main.path}`;
      await ctx.host.files.write(target, result.text);
      ctx.stdout(`wrote ${target}: review, commit and push it; both routers of each link switch to the new key at their next sync.\n`);
      return 0;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      ctx.stderr(`dlan-agent seal: ${e instanceof SealError ? e.message : errorMessage(e)}\n`);
      return 1;
    }
  },
};

function fail(ctx: { stderr(t: string): void }, ds: Diagnostic[]): number {
  for (const d of ds) ctx.stderr(`${formatDiagnostic(d)}\n`);
  return 1;
}

/** Router name → valid `age1…` recipient, from dlan.yaml and routers/*.yaml merged. */
function routerRecipients(files: ConfigFile[]): Map<string, string> {
  const [main, ...rest] = files.map((f) => parseYamlFile(f));
  const merged = mergeConfigFiles(main!, rest);
  const routers = (merged.data as { routers?: Record<string, { age_recipient?: unknown }> } | null)?.routers ?? {};
  const out = new Map<string, string>();
  for (const [name, body] of Object.entries(routers)) {
    const r = body?.age_recipient;
    if (typeof r === 'string' && parseRecipient(r)) out.set(name, r);
  }
  return out;
}
