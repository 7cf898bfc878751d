// Runs the GitOps commands in-process against a throw-away router root, with real git (local
// bare repos), the real node HTTP client and a fake or real backend. The rollback timer is a real
// detached process running test/gitops/support/agent-entry.ts.
import { join } from 'node:path';
import type { Backend } from '../../../agent/backend/backend.ts';
import { runCli } from '../../../agent/cli/run-cli.ts';
import type { AgentDeps } from '../../../agent/gitops/agent-deps.ts';
import type { LogLevel } from '../../../agent/host/host.ts';
import { createNodeHost } from '../../../agent/host/node-host.ts';
import { createNodeAgentDeps } from '../../../agent/cli/node-agent-deps.ts';
import { tempDir } from './config-repo.ts';

process.env.DLAN_SYSLOG = '0';

export const ENTRY = join(import.meta.dirname, 'agent-entry.ts');
export const SELF_ARGV = [process.execPath, '--import', 'tsx', ENTRY];

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  logs: string[];
}

export class Router {
  readonly root: string;
  readonly logs: string[] = [];
  backend: Backend;
  deps: AgentDeps;

  constructor(backend: Backend, opts: { root?: string } = {}) {
    this.root = opts.root ?? tempDir('root');
    this.backend = backend;
    this.deps = { ...createNodeAgentDeps(createNodeHost()), selfArgv: SELF_ARGV, selectBackend: async () => this.backend, random: () => 0 };
  }

  async cli(...argv: string[]): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const logs: string[] = [];
    const host = createNodeHost({
      log: {
        log: (level: LogLevel, message: string, fields?: Record<string, string | number | boolean>) => {
          const line = `${level}: ${message}${fields ? ` ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`;
          logs.push(line);
          this.logs.push(line);
        },
      },
    });
    const code = await runCli(argv.includes('--root') ? argv : [...argv, '--root', this.root], {
      host,
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      isTTY: false,
      version: 'test',
      agentDeps: () => this.deps,
    });
    return { code, stdout, stderr, logs };
  }
}

/** A valid one-router config (router `solo`), with the LAN given. */
export function soloConfig(lan = '192.168.50.0/24', publicKey = '4PnH3mVbRkOa4eQkHf6sWzY0xT8cK9mJpQ2rS3tU4vw='): string {
  return `version: 1
routers:
  solo:
    id: 1
    public_key: ${publicKey}
    wan: [ { device: wan } ]
    lan:
      - { device: br-lan, ipv4: ${lan} }
`;
}

/** The same router with a semantic error (a LAN that is not a network address). */
export function invalidConfig(): string {
  return soloConfig('192.168.50.7/24').replace('id: 1', 'id: 0');
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000, stepMs = 20): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
