// Node entry of dlan-agent (bundled into dist/dlan-agent.js).
import { createNodeHost, createNodeLog } from '../host/node-host.ts';
import { createNodeAgentDeps } from './node-agent-deps.ts';
import { runCli } from './run-cli.ts';

declare const __DLAN_VERSION__: string;
const version = typeof __DLAN_VERSION__ === 'string' ? __DLAN_VERSION__ : 'dev';

const host = createNodeHost({ log: createNodeLog({ minLevel: process.env.DLAN_LOG_LEVEL === 'debug' ? 'debug' : 'info' }) });

runCli(process.argv.slice(2), {
  host,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
  version,
  agentDeps: () => createNodeAgentDeps(host),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`dlan-agent: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
