// The Host on node: child processes without a shell, fs with atomic replace, stderr + syslog logs.
import { spawn } from 'node:child_process';
import { promises as fs, constants as fsConstants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { constants as osConstants } from 'node:os';
import type { ExecOptions, ExecResult, FileStat, Host, HostLog, LogLevel, WriteOptions } from './host.ts';
import { formatLogLine, LOG_LEVELS, syslogPriority } from './log-line.ts';

/** How often ExecOptions.abortWhen is asked. */
const ABORT_POLL_MS = 250;

function exec(program: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(program, [...args], {
        cwd: opts.cwd,
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      resolve({ code: 127, stdout: '', stderr: String(e) });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : undefined;
    let asking = false;
    const watch = opts.abortWhen
      ? setInterval(() => {
          if (asking || timedOut) return;
          asking = true;
          opts.abortWhen!().then(
            (stop) => {
              asking = false;
              if (stop && !timedOut) {
                timedOut = true;
                child.kill('SIGKILL');
              }
            },
            () => (asking = false),
          );
        }, ABORT_POLL_MS)
      : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {}); // the program may exit without reading its input
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (watch) clearInterval(watch);
      resolve({ code: e.code === 'ENOENT' ? 127 : 126, stdout: '', stderr: `${program}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (watch) clearInterval(watch);
      resolve({
        // Killed by a signal: 128 + its number, as a shell reports it (and the QuickJS host does).
        code: timedOut ? 124 : (code ?? (signal ? 128 + (osConstants.signals[signal] ?? 9) : 1)),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

async function read(path: string): Promise<string | null> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function write(path: string, content: string, opts: WriteOptions = {}): Promise<void> {
  await mkdirp(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.dlan-tmp-${process.pid}`);
  try {
    const fh = await fs.open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC, opts.mode ?? 0o644);
    try {
      await fh.writeFile(content, 'utf8');
      if (opts.mode !== undefined) await fh.chmod(opts.mode);
      if (!opts.volatile) await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    // A full disk (ENOSPC) or any other failure leaves no temp file behind, and the old content.
    await fs.rm(tmp, { force: true });
    throw e;
  }
  // The rename is durable only once the folder's entry is on disk: a power cut after "applied"
  // must not bring back the old ledger.
  if (opts.volatile) return;
  const dir = await fs.open(dirname(path), fsConstants.O_RDONLY);
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

async function list(dir: string): Promise<string[] | null> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function stat(path: string): Promise<FileStat | null> {
  try {
    const s = await fs.stat(path);
    return { isDirectory: s.isDirectory(), size: s.size, mode: s.mode & 0o7777, mtimeMs: s.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function remove(path: string): Promise<void> {
  await fs.rm(path, { force: true });
}

async function symlink(target: string, path: string): Promise<boolean> {
  try {
    await fs.symlink(target, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function readlink(path: string): Promise<string | null> {
  try {
    return await fs.readlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function freeBytes(path: string): Promise<number | null> {
  try {
    const s = await fs.statfs(path);
    return s.bavail * s.bsize;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function mkdirp(path: string, mode?: number): Promise<void> {
  try {
    await fs.mkdir(path, { recursive: true, mode });
  } catch (e) {
    // Node 20's recursive mkdir reports ENOENT for a folder it could not make on a read-only file
    // system (EROFS): made one level at a time, the real reason comes out.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(path) === path) throw e;
    await mkdirp(dirname(path), mode);
    await fs.mkdir(path, { mode }).catch((e2: NodeJS.ErrnoException) => {
      if (e2.code !== 'EEXIST') throw e2;
    });
  }
}

/** Logs to stderr; with `syslog` also through `logger -t dlan-agent` (logread / journal). */
export function createNodeLog(opts: { minLevel?: LogLevel; syslog?: boolean } = {}): HostLog {
  const min = LOG_LEVELS[opts.minLevel ?? 'info'];
  return {
    log(level, message, fields) {
      if (LOG_LEVELS[level] < min) return;
      const line = formatLogLine(message, fields);
      process.stderr.write(`dlan-agent: ${level}: ${line}\n`);
      if (opts.syslog) {
        const prio = syslogPriority(level);
        const child = spawn('logger', ['-t', 'dlan-agent', '-p', `daemon.${prio}`, '--', line], { stdio: 'ignore' });
        child.on('error', () => {});
        child.unref();
      }
    },
  };
}

export function createNodeHost(opts: { log?: HostLog } = {}): Host {
  return {
    exec,
    files: { read, write, list, stat, remove, mkdirp, symlink, readlink, freeBytes },
    env: (name) => process.env[name],
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    log: opts.log ?? createNodeLog(),
  };
}
