// dlan-agent as a separate process for the GitOps tests, with the file-based fake backend
// (configured by FAKE_REMOTE_BARE / FAKE_APPLY_DELAY_MS / FAKE_PLAN_DELAY_MS). Everything else is the real thing: CLI,
// git, HTTP, node-cron, signals; the rollback timer re-runs this same entry.
import { runCli } from '../../../agent/cli/run-cli.ts';
import { createNodeHost } from '../../../agent/host/node-host.ts';
import { createNodeAgentDeps } from '../../../agent/cli/node-agent-deps.ts';
import { fakeBackend } from './fake-backend.ts';

const host = createNodeHost();
const deps = createNodeAgentDeps(host);
const backend = fakeBackend({
  remoteBare: process.env.FAKE_REMOTE_BARE,
  applyDelayMs: process.env.FAKE_APPLY_DELAY_MS ? Number(process.env.FAKE_APPLY_DELAY_MS) : undefined,
  planDelayMs: process.env.FAKE_PLAN_DELAY_MS ? Number(process.env.FAKE_PLAN_DELAY_MS) : undefined,
});
runCli(process.argv.slice(2), {
  host,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: false,
  version: 'test',
  agentDeps: () => ({ ...deps, selectBackend: async () => backend }),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
