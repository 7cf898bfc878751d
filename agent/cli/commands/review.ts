import { ADMIN_SUMMARIES } from './admin-summaries.ts';
import type { ConfigFile } from '../../load/load-config.ts';
import { loadConfig } from '../../load/load-config.ts';
import type { Host } from '../../host/host.ts';
import { backendNamed } from '../../backend/select-backend.ts';
import { formatReviewMarkdown, reviewConfigChange } from '../../review/review-config-change.ts';
import { formatDiagnostic } from '../../base/diagnostic.ts';
import type { Command } from '../cli-context.ts';
import { loadConfigAt } from '../../load/load-config-at.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

const GIT_TIMEOUT_MS = 20_000;

async function git(host: Host, cwd: string, args: string[]): Promise<string> {
  const r = await host.exec('git', ['-C', cwd, ...args], { timeoutMs: GIT_TIMEOUT_MS });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r.stdout;
}

/** The config files as they are at REF: the same layout `validate` reads from the work tree. */
async function readConfigAtRef(host: Host, path: string, ref: string): Promise<ConfigFile[]> {
  const stat = await host.files.stat(path);
  if (stat === null) throw new Error(`${path}: no such file or folder`);
  const dir = stat.isDirectory ? path : path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.';
  const main = stat.isDirectory ? 'dlan.yaml' : path.slice(path.lastIndexOf('/') + 1);
  const prefix = (await git(host, dir, ['rev-parse', '--show-prefix'])).trim();
  const top = (await git(host, dir, ['rev-parse', '--show-toplevel'])).trim();
  const files: ConfigFile[] = [{ path: main, text: await git(host, top, ['show', `${ref}:${prefix}${main}`]) }];
  if (stat.isDirectory) {
    const listed = await git(host, top, ['ls-tree', '--name-only', ref, `${prefix}routers/`]);
    for (const full of listed.split('\n').filter((l) => /\.ya?ml$/.test(l)).sort()) {
      files.push({ path: full.slice(prefix.length), text: await git(host, top, ['show', `${ref}:${full}`]) });
    }
  }
  return files;
}

export const reviewCommand: Command = {
  name: 'review',
  summary: ADMIN_SUMMARIES.review,
  usage: `Usage: dlan-agent review PATH --base REF [--linux ROUTERS] [--json]

Compares the config at PATH (a config-repo folder or file in a git work tree) with the same
path at git REF (a branch, tag or commit, e.g. origin/main) and prints, for every router,
whether its slice changes, the differences as the router's own backend would write them (UCI
and files on OpenWrt, native files on Debian), and the services each router would reload — as markdown, ready to post as a
pull-request comment. Keys never appear. Exit 0 when no router changes, 2 when some router
does, 1 when the proposed config is invalid or REF cannot be read.

  --linux ROUTERS  comma-separated routers that run the Linux (Debian) backend; the others are
                   reviewed as OpenWrt routers
  --json           print the reviews as JSON`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { config: { type: 'string' }, base: { type: 'string' }, linux: { type: 'string' }, json: { type: 'boolean' } });
    const linux = new Set((stringFlag(args, 'linux') ?? '').split(',').map((n) => n.trim()).filter(Boolean));
    const path = stringFlag(args, 'config') ?? args.positionals[0];
    const base = stringFlag(args, 'base');
    if (path === undefined) throw new UsageError('review needs a config PATH');
    if (base === undefined) throw new UsageError('review needs --base REF');
    const head = await loadConfigAt(ctx.host, path);
    if (!head.ok) {
      for (const d of head.diagnostics) ctx.stderr(`${formatDiagnostic(d)}\n`);
      ctx.stderr(`dlan-agent review: the proposed config is invalid (${head.diagnostics.length} problems)\n`);
      return 1;
    }
    let baseFiles: ConfigFile[];
    try {
      baseFiles = await readConfigAtRef(ctx.host, path, base);
    } catch (e) {
      ctx.stderr(`dlan-agent review: cannot read the config at ${base}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    const baseLoaded = loadConfig(baseFiles);
    // An invalid base (the change repairs it) is compared as if no router had anything yet.
    if (!baseLoaded.ok) ctx.stderr(`dlan-agent review: the config at ${base} is invalid; every router is shown as added\n`);
    const unknown = [...linux].filter((n) => !head.config.routers.some((r) => r.name === n));
    if (unknown.length) throw new UsageError(`--linux names routers the config does not have: ${unknown.join(', ')}`);
    const reviews = reviewConfigChange(baseLoaded.ok ? baseLoaded.config : null, head.config, (r) => backendNamed(linux.has(r) ? 'linux' : 'openwrt'));
    ctx.stdout(args.flags.json ? `${JSON.stringify(reviews, null, 2)}\n` : formatReviewMarkdown(reviews, base));
    return reviews.some((r) => r.change !== 'unchanged') ? 2 : 0;
  },
};
