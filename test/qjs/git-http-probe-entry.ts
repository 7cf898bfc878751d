// Entry bundled for the QuickJS engine: the git and HTTP probes with the exec-based clients on the
// QuickJS host. scriptArgs: remote, work folder, HTTP base URL.
import * as std from 'std';
import * as os from 'os';
import { installQjsGlobals } from '../../agent/host/qjs-globals.ts';
import { createQjsHost, createQjsLog, type QjsOs, type QjsStd } from '../../agent/host/qjs-host.ts';
import { createExecGit } from '../../agent/host/exec-git.ts';
import { createExecHttp } from '../../agent/host/qjs-http.ts';
import { runGitProbe, runHttpProbe } from './git-http-probe.ts';

declare const scriptArgs: string[];
const mods = { std: std as unknown as QjsStd, os: os as unknown as QjsOs };
installQjsGlobals(os as never);
const host = createQjsHost(mods, { log: createQjsLog(mods) });
const git = await runGitProbe(createExecGit(host), scriptArgs[1]!, scriptArgs[2]!);
const http = await runHttpProbe(createExecHttp(host), scriptArgs[3]!);
(std as unknown as { out: { puts(s: string): void } }).out.puts(JSON.stringify({ git, http }));
(std as unknown as { exit(n: number): void }).exit(0);
