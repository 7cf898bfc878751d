// Shared start of the GitOps commands: --root, the settings, the dependencies, the log.
import type { CliContext } from './cli-context.ts';
import { DEFAULTS, type AgentSettings } from '../settings/agent-settings.ts';
import { loadSettings } from '../settings/settings-file.ts';
import type { AgentDeps } from '../gitops/agent-deps.ts';
import { createAgentLog } from '../gitops/agent-log.ts';
import { agentPaths } from '../gitops/agent-paths.ts';
import type { SyncEnv } from '../gitops/sync-env.ts';

export const ROOT_FLAG_HELP = `  --root DIR     treat DIR as / for everything the agent reads and writes (settings, state,
                 key, UCI tree, files); service actions run only when DIR is / (see --reload)
Environment: DLAN_UCI (the uci program), DLAN_SYSLOG=0 (no syslog), DLAN_LOG_LEVEL=debug`;

export function requireDeps(ctx: CliContext, command: string): AgentDeps {
  if (!ctx.agentDeps) throw new Error(`${command}: this build of dlan-agent has no git/HTTP support`);
  return ctx.agentDeps();
}

/** Settings to fall back on when the file is unreadable (a rollback must still happen). */
export function fallbackSettings(router: string | null): AgentSettings {
  return {
    repo: '',
    branch: DEFAULTS.branch,
    path: DEFAULTS.path,
    router: router ?? 'unknown',
    interval: DEFAULTS.interval,
    verify: 'none',
    allowedSigners: [],
    confirmTimeout: DEFAULTS.confirmTimeout,
    allowRewind: false,
    maxRepoBytes: DEFAULTS.maxRepoMb * 1024 * 1024,
    report: { forge: 'none', url: null, repository: null, token: null },
    webhook: { url: null, token: null },
    birdSocket: null,
    netns: null,
  };
}

export type OpenedEnv = { ok: true; env: SyncEnv } | { ok: false; errors: string[]; env: SyncEnv };

export async function openEnv(ctx: CliContext, command: string, root: string, reload: boolean | undefined): Promise<OpenedEnv> {
  const deps = requireDeps(ctx, command);
  const log = createAgentLog(ctx.host);
  const paths = agentPaths(root);
  const loaded = await loadSettings(ctx.host, root);
  const base = { host: ctx.host, deps, paths, log, reload: reload ?? (root === '/' || root === ''), version: ctx.version };
  if (!loaded.ok) return { ok: false, errors: loaded.errors, env: { ...base, settings: fallbackSettings(null) } };
  for (const w of loaded.warnings) log.log('warn', w);
  return { ok: true, env: { ...base, settings: loaded.settings } };
}
