// What one GitOps operation works with, gathered once per command.
import type { Host } from '../host/host.ts';
import type { AgentSettings } from '../settings/agent-settings.ts';
import type { AgentDeps } from './agent-deps.ts';
import type { AgentLog } from './agent-log.ts';
import type { AgentPaths } from './agent-paths.ts';

export interface SyncEnv {
  host: Host;
  deps: AgentDeps;
  paths: AgentPaths;
  settings: AgentSettings;
  log: AgentLog;
  /** Run service actions after writing (default: only when root is `/`). */
  reload: boolean;
  version: string;
}
