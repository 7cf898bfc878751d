// QuickJS entry of dlan-agent (bundled into dist/dlan-agent.qjs.js; run as `qjs dlan-agent.qjs.js …`).
//
// The engine's own modules are imported dynamically, by two names: Bellard's QuickJS (what OpenWrt
// 25.12 ships, 2025-09-13, and later releases) registers them as 'std' and 'os'; quickjs-ng
// registers 'qjs:std' and 'qjs:os'. A static import could name only one, so we try 'std' first and
// fall back to 'qjs:std'. Both names stay external in the bundle (build/build-qjs.mjs).
import { installQjsGlobals, type QjsTimers } from '../host/qjs-globals.ts';
import { createQjsAgentDeps, type QjsDaemonOs } from './qjs-agent-deps.ts';
import { createQjsHost, createQjsLog, type QjsModules, type QjsOs, type QjsStd } from '../host/qjs-host.ts';
import { runCli } from './run-cli.ts';

declare const __DLAN_VERSION__: string;
/** Set by qjs (js_std_add_helpers): the script path, then its arguments. */
declare const scriptArgs: string[] | undefined;

interface QjsEntryStd extends QjsStd {
  out: { puts(s: string): void; flush(): void };
  exit(code: number): void;
}
interface QjsEntryOs extends QjsOs, QjsTimers, QjsDaemonOs {
  isatty(fd: number): boolean;
}

const version = typeof __DLAN_VERSION__ === 'string' ? __DLAN_VERSION__ : 'dev';

// Specifiers held in variables so that neither tsc nor esbuild tries to resolve them.
const BELLARD = ['std', 'os'] as const;
const QUICKJS_NG = ['qjs:std', 'qjs:os'] as const;

async function importEngineModules(): Promise<{ std: QjsEntryStd; os: QjsEntryOs }> {
  const load = async ([s, o]: readonly [string, string]) => ({
    std: (await import(s)) as QjsEntryStd,
    os: (await import(o)) as QjsEntryOs,
  });
  try {
    return await load(BELLARD);
  } catch {
    return load(QUICKJS_NG);
  }
}

async function main(): Promise<void> {
  const { std, os } = await importEngineModules();
  installQjsGlobals(os);
  const mods: QjsModules = { std, os };
  const logLevel = std.getenv('DLAN_LOG_LEVEL') === 'debug' ? 'debug' : 'info';
  const host = createQjsHost(mods, { log: createQjsLog(mods, { minLevel: logLevel }) });
  const argv = typeof scriptArgs !== 'undefined' ? scriptArgs : [];
  let code: number;
  try {
    code = await runCli(argv.slice(1), {
      host,
      stdout: (t) => std.out.puts(t),
      stderr: (t) => std.err.puts(t),
      isTTY: os.isatty(1),
      version,
      agentDeps: () => createQjsAgentDeps(host, os, argv[0] ?? '/usr/lib/dlan-agent/dlan-agent.qjs.js'),
    });
  } catch (e) {
    std.err.puts(`dlan-agent: internal error: ${e instanceof Error ? (e.stack ? `${e.message}\n${e.stack}` : e.message) : String(e)}\n`);
    code = 70;
  }
  std.out.flush();
  std.err.flush();
  std.exit(code);
}

void main();
