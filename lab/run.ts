// Process helpers of the lab: run a program (never through a shell), inside a namespace or a
// router's holder (network + mount namespace), or detached as a daemon that outlives us.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
}

/** Runs argv synchronously; code 124 on timeout, 127 when the program is missing. */
export function run(argv: readonly string[], opts: RunOptions = {}): RunResult {
  const [prog, ...args] = argv;
  const r = spawnSync(prog!, args, {
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const err = r.error as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ENOENT') return { code: 127, stdout: '', stderr: `${prog}: not found` };
  if (err?.code === 'ETIMEDOUT') return { code: 124, stdout: r.stdout ?? '', stderr: `${prog}: timed out` };
  return { code: r.status ?? 128, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs argv and returns stdout; throws with the command and its stderr when it fails. */
export function must(argv: readonly string[], opts: RunOptions = {}): string {
  const r = run(argv, opts);
  if (r.code !== 0) throw new Error(`command failed (${r.code}): ${argv.join(' ')}\n${r.stderr.trim()}`);
  return r.stdout;
}

/** Asynchronous run, for probes that go in parallel (ping matrices, scans). */
export function runAsync(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const [prog, ...args] = argv;
    const child = spawn(prog!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {});
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: '', stderr: String(e) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: timedOut ? 124 : (code ?? 128),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** argv run inside a plain network namespace. */
export function inNs(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

/** argv run inside a router: its network namespace and the private mount namespace of its holder. */
export function inHolder(holderPid: number, argv: readonly string[]): string[] {
  return ['nsenter', '-t', String(holderPid), '-m', '-n', '--', ...argv];
}

/** Starts argv detached (own session, output to logFile) and returns its pid. */
export function spawnDetached(argv: readonly string[], logFile: string, env?: Record<string, string>): number {
  const fd = openSync(logFile, 'a');
  try {
    const [prog, ...args] = argv;
    const child = spawn(prog!, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: env ? { ...process.env, ...env } : process.env,
    });
    child.on('error', () => {});
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}
