// Entry bundled for the QuickJS engine by test/qjs/qjs-host.test.ts: runs the host probe with the
// QuickJS host and prints its transcript as JSON. scriptArgs[1] is the probe folder.
import * as std from 'std';
import * as os from 'os';
import { createQjsHost, createQjsLog, type QjsOs, type QjsStd } from '../../agent/host/qjs-host.ts';
import { runHostProbe } from './host-probe.ts';

declare const scriptArgs: string[];
const mods = { std: std as unknown as QjsStd, os: os as unknown as QjsOs };
const host = createQjsHost(mods, { log: createQjsLog(mods, { minLevel: 'debug' }) });
host.log.log('info', 'probe start', { dir: 'x y', n: 1, ok: true });
host.log.log('debug', 'debug line');
const transcript = await runHostProbe(host, scriptArgs[1]!);
(std as unknown as { out: { puts(s: string): void } }).out.puts(JSON.stringify(transcript));
(std as unknown as { exit(n: number): void }).exit(0);
