// The Host on QuickJS (OpenWrt 25.12+ ships `qjs`, Bellard's QuickJS 2025-09-13; 24.10 and older
// builds may differ). Effects go through the engine's `std` and `os` modules, handed in by the
// entry (agent/cli/main-qjs.ts), so this file imports nothing runtime-specific and the tests can run
// it inside a real QuickJS engine against a stand-in of those modules (test/qjs/).
//
// Exactly these std/os calls are used (all present in Bellard's QuickJS since 2024-01-13):
//   std.open(path, 'r', errObj)  FILE.readAsString()  FILE.puts()  FILE.flush()  FILE.error()
//   FILE.close()  std.fdopen(fd, 'w', errObj)  std.getenv(name)  std.getenviron()
//   std.strerror(errno)  std.Error.{ENOENT,EEXIST}  std.err.puts()  std.err.flush()
//   os.open(path, flags, mode)  os.close(fd)  os.O_{RDONLY,WRONLY,CREAT,EXCL,TRUNC}
//   os.rename(a, b)  os.remove(path)  os.mkdir(path, mode)  os.stat(path)  os.readdir(path)
//   os.symlink(target, path)  os.readlink(path)  os.S_IFMT  os.S_IFDIR  os.exec(argv, {block, usePath, cwd, env, stdin, stdout, stderr})
//   os.waitpid(pid, os.WNOHANG)  os.kill(pid, 9)  os.getpid()  os.sleepAsync(ms) (else os.setTimeout)
//   optional: FILE.sync() (absent from Bellard's QuickJS; used when a build has it)
//
// Limits of QuickJS's libc wrappers and what this file does about them:
//  - No fsync: an atomic write is temp file + flush + close + rename, then `sync` (busybox) is run
//    so that the file and the renamed entry reach flash before write() returns. The rename is
//    atomic, so a reader sees the old or the new content, never a torn file. Where FILE.sync
//    exists (some forks) it is called too. Without a `sync` program the write still happens, with
//    a warning (once): a power cut right after it may then bring back the old content.
//  - No chmod: the mode is given to open(2) when the temp file is created; if the umask strips
//    bits from it, `chmod` is run (argument list, no shell) before the rename.
//  - No pipes with event-driven reads here: a child's stdout/stderr go to temp files under $TMPDIR
//    (default /tmp, a tmpfs on OpenWrt) and its input comes from one; that cannot deadlock on a full
//    pipe and needs no read handlers. The child is polled with waitpid(WNOHANG); on timeout it gets
//    SIGKILL (9 on every Linux architecture; `os` exports no SIGKILL).
import type { ExecOptions, ExecResult, FileStat, Host, HostLog, LogLevel, WriteOptions } from './host.ts';
import { formatLogLine, LOG_LEVELS, syslogPriority } from './log-line.ts';

/** The part of QuickJS's FILE object this host uses. */
export interface QjsFile {
  puts(s: string): void;
  readAsString(maxSize?: number): string;
  flush(): void;
  error(): boolean;
  close(): number;
  /** Not in Bellard's QuickJS; some forks have it. */
  sync?: () => number;
}

/** The part of QuickJS's `std` module this host uses. */
export interface QjsStd {
  open(path: string, mode: string, errorObj?: { errno?: number }): QjsFile | null;
  fdopen(fd: number, mode: string, errorObj?: { errno?: number }): QjsFile | null;
  getenv(name: string): string | undefined;
  getenviron(): Record<string, string>;
  strerror(errno: number): string;
  Error: { ENOENT: number; EEXIST: number };
  err: QjsFile;
}

/** The part of QuickJS's `os` module this host uses. */
export interface QjsOs {
  open(path: string, flags: number, mode?: number): number;
  close(fd: number): number;
  O_RDONLY: number;
  O_WRONLY: number;
  O_CREAT: number;
  O_EXCL: number;
  O_TRUNC: number;
  rename(from: string, to: string): number;
  remove(path: string): number;
  mkdir(path: string, mode?: number): number;
  stat(path: string): [{ mode: number; size: number; mtime: number } | null, number];
  /** Like stat, but of a symlink itself (every QuickJS on Linux has it). */
  lstat?(path: string): [{ mode: number; size: number; mtime: number } | null, number];
  readdir(path: string): [string[] | null, number];
  /** 0 or -errno. */
  symlink(target: string, path: string): number;
  readlink(path: string): [string, number];
  S_IFMT: number;
  S_IFDIR: number;
  exec(
    argv: string[],
    opts: { block: boolean; usePath: boolean; cwd?: string; env?: Record<string, string>; stdin?: number; stdout?: number; stderr?: number },
  ): number;
  waitpid(pid: number, options: number): [number, number];
  WNOHANG: number;
  kill(pid: number, sig: number): number;
  getpid(): number;
  sleepAsync?: (ms: number) => Promise<void>;
  setTimeout(fn: () => void, ms: number): unknown;
}

export interface QjsModules {
  std: QjsStd;
  os: QjsOs;
}

const SIGKILL = 9;

class QjsFsError extends Error {
  constructor(
    op: string,
    path: string,
    readonly errno: number,
    std: QjsStd,
  ) {
    super(`${op} ${path}: ${std.strerror(errno)} (errno ${errno})`);
  }
}

function parentOf(path: string): string {
  const i = path.replace(/\/+$/, '').lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

function nameOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** The files part of the host; also used by exec for its temp files. */
function qjsFiles({ std, os }: QjsModules, runChmod: (mode: number, path: string) => Promise<void>, runSync: () => Promise<void>) {
  function statSync(path: string): FileStat | null {
    const [st, err] = os.stat(path);
    if (err === std.Error.ENOENT) return null;
    if (err !== 0 || st === null) throw new QjsFsError('stat', path, err, std);
    return { isDirectory: (st.mode & os.S_IFMT) === os.S_IFDIR, size: st.size, mode: st.mode & 0o7777, mtimeMs: st.mtime };
  }

  function readSync(path: string): string | null {
    const st = statSync(path);
    if (st === null) return null;
    if (st.isDirectory) throw new QjsFsError('read', path, 21 /* EISDIR */, std);
    const errObj: { errno?: number } = {};
    const f = std.open(path, 'r', errObj);
    if (f === null) {
      if (errObj.errno === std.Error.ENOENT) return null;
      throw new QjsFsError('open', path, errObj.errno ?? 0, std);
    }
    try {
      return f.readAsString();
    } finally {
      f.close();
    }
  }

  function mkdirpSync(path: string, mode?: number): void {
    let current = '';
    path.split('/').forEach((part, i) => {
      current = i === 0 ? part : `${current}/${part}`;
      if (part === '' || part === '.') return;
      const rc = os.mkdir(current, mode ?? 0o777);
      if (rc === 0) return;
      if (rc === -std.Error.EEXIST && statSync(current)?.isDirectory) return;
      throw new QjsFsError('mkdir', current, rc === -std.Error.EEXIST ? 20 /* ENOTDIR */ : -rc, std);
    });
  }

  /** Creates (or truncates) `path` with `content`, returning nothing; the caller renames. */
  function writeNewSync(path: string, content: string, mode: number): void {
    os.remove(path);
    const fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_TRUNC, mode);
    if (fd < 0) throw new QjsFsError('open', path, -fd, std);
    const errObj: { errno?: number } = {};
    const f = std.fdopen(fd, 'w', errObj);
    if (f === null) {
      os.close(fd);
      throw new QjsFsError('fdopen', path, errObj.errno ?? 0, std);
    }
    f.puts(content);
    f.flush();
    const failed = f.error();
    if (typeof f.sync === 'function') f.sync();
    const rc = f.close();
    if (failed || rc !== 0) {
      os.remove(path);
      throw new QjsFsError('write', path, rc < 0 ? -rc : 5 /* EIO */, std);
    }
  }

  return {
    statSync,
    readSync,
    writeNewSync,
    files: {
      read: async (path: string) => readSync(path),
      async write(path: string, content: string, opts: WriteOptions = {}): Promise<void> {
        mkdirpSync(parentOf(path));
        const tmp = `${parentOf(path)}/.${nameOf(path)}.dlan-tmp-${os.getpid()}`;
        writeNewSync(tmp, content, opts.mode ?? 0o644);
        if (opts.mode !== undefined && statSync(tmp)?.mode !== opts.mode) await runChmod(opts.mode, tmp);
        const rc = os.rename(tmp, path);
        if (rc !== 0) {
          os.remove(tmp);
          throw new QjsFsError('rename', `${tmp} -> ${path}`, -rc, std);
        }
        // QuickJS has no fsync: `sync` (busybox) puts the file and the renamed entry on flash, so a
        // power cut after "applied" cannot bring back the old ledger.
        if (!opts.volatile) await runSync();
      },
      async list(dir: string): Promise<string[] | null> {
        const [names, err] = os.readdir(dir);
        if (err === std.Error.ENOENT) return null;
        if (err !== 0 || names === null) throw new QjsFsError('readdir', dir, err, std);
        return names.filter((n) => n !== '.' && n !== '..').sort();
      },
      stat: async (path: string) => statSync(path),
      async remove(path: string): Promise<void> {
        // lstat: a symlink is removed itself (as node's fs.rm does), even when it dangles (the
        // rollback claim is a symlink to a token); stat would follow it and see nothing.
        const [st, err] = (os.lstat ?? os.stat)(path);
        if (err === std.Error.ENOENT) return;
        if (err !== 0 || st === null) throw new QjsFsError('lstat', path, err, std);
        // libc remove() would also delete an empty folder; the node host refuses, so do we.
        if ((st.mode & os.S_IFMT) === os.S_IFDIR) throw new QjsFsError('remove', path, 21 /* EISDIR */, std);
        const rc = os.remove(path);
        if (rc !== 0 && rc !== -std.Error.ENOENT) throw new QjsFsError('remove', path, -rc, std);
      },
      mkdirp: async (path: string, mode?: number) => mkdirpSync(path, mode),
      async symlink(target: string, path: string): Promise<boolean> {
        const rc = os.symlink(target, path);
        if (rc === 0 || rc === -std.Error.EEXIST) return rc === 0;
        throw new QjsFsError('symlink', path, -rc, std);
      },
      async readlink(path: string): Promise<string | null> {
        const [target, err] = os.readlink(path);
        if (err === std.Error.ENOENT) return null;
        if (err !== 0) throw new QjsFsError('readlink', path, err, std);
        return target;
      },
    },
  };
}

/** `program` as execvp would find it, or null; so "not found" is reported like the node host. */
function findProgram({ std, os }: QjsModules, program: string): string | null {
  const isFile = (p: string) => {
    const [st, err] = os.stat(p);
    return err === 0 && st !== null && (st.mode & os.S_IFMT) !== os.S_IFDIR;
  };
  if (program.includes('/')) return isFile(program) ? program : null;
  for (const dir of (std.getenv('PATH') ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const candidate = `${dir === '' ? '.' : dir}/${program}`;
    if (isFile(candidate)) return candidate;
  }
  return null;
}

/** Exit code as the node host reports it: the code, or 128 + signal. */
function decodeWaitStatus(status: number): number {
  const signal = status & 0x7f;
  return signal === 0 ? (status >> 8) & 0xff : 128 + signal;
}

export function createQjsHost(mods: QjsModules, opts: { log?: HostLog } = {}): Host {
  const { std, os } = mods;
  let seq = 0;
  const sleep = (ms: number): Promise<void> =>
    typeof os.sleepAsync === 'function' ? os.sleepAsync(ms) : new Promise((resolve) => void os.setTimeout(resolve, ms));

  async function exec(program: string, args: readonly string[], execOpts: ExecOptions = {}): Promise<ExecResult> {
    if (findProgram(mods, program) === null) {
      return { code: 127, stdout: '', stderr: `${program}: spawn ${program} ENOENT` };
    }
    const base = `${std.getenv('TMPDIR') || '/tmp'}/.dlan-agent-exec.${os.getpid()}.${++seq}`;
    const paths = { in: `${base}.in`, out: `${base}.out`, err: `${base}.err` };
    const fds: number[] = [];
    const openFd = (path: string, flags: number): number => {
      const fd = os.open(path, flags, 0o600);
      if (fd < 0) throw new QjsFsError('open', path, -fd, std);
      fds.push(fd);
      return fd;
    };
    const cleanup = () => {
      for (const fd of fds.splice(0)) os.close(fd);
      for (const p of Object.values(paths)) os.remove(p);
    };
    try {
      let stdinPath = '/dev/null';
      if (execOpts.input !== undefined && execOpts.input !== '') {
        fileOps.writeNewSync(paths.in, execOpts.input, 0o600);
        stdinPath = paths.in;
      }
      const stdin = openFd(stdinPath, os.O_RDONLY);
      const stdout = openFd(paths.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC);
      const stderr = openFd(paths.err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC);
      const pid = os.exec([program, ...args], {
        block: false,
        usePath: true,
        ...(execOpts.cwd !== undefined ? { cwd: execOpts.cwd } : {}),
        ...(execOpts.env ? { env: { ...std.getenviron(), ...execOpts.env } } : {}),
        stdin,
        stdout,
        stderr,
      });
      for (const fd of fds.splice(0)) os.close(fd);
      const deadline = execOpts.timeoutMs !== undefined ? Date.now() + execOpts.timeoutMs : Infinity;
      let killed = false;
      let code = 1;
      let nextAsk = Date.now() + 250;
      for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
        const [ret, status] = os.waitpid(pid, os.WNOHANG);
        if (ret === pid) {
          code = killed ? 124 : decodeWaitStatus(status);
          break;
        }
        if (ret < 0) break; // ECHILD: reaped elsewhere; nothing more to learn
        let stop = !killed && Date.now() >= deadline;
        if (!killed && !stop && execOpts.abortWhen && Date.now() >= nextAsk) {
          stop = await execOpts.abortWhen().catch(() => false);
          nextAsk = Date.now() + 250;
        }
        if (stop) {
          os.kill(pid, SIGKILL);
          killed = true;
        }
        await sleep(delay);
      }
      return { code, stdout: fileOps.readSync(paths.out) ?? '', stderr: fileOps.readSync(paths.err) ?? '' };
    } finally {
      cleanup();
    }
  }

  const runChmod = async (mode: number, path: string) => {
    const r = await exec('chmod', [mode.toString(8), path]);
    if (r.code !== 0) throw new Error(`chmod ${mode.toString(8)} ${path}: ${r.stderr.trim()}`);
  };
  let warnedNoSync = false;
  const runSync = async () => {
    const r = await exec('sync', []);
    if (r.code === 127 && !warnedNoSync) {
      warnedNoSync = true;
      (opts.log ?? createQjsLog(mods)).log('warn', 'no `sync` program: written files are not forced to flash');
    } else if (r.code !== 0 && r.code !== 127) throw new Error(`sync failed (exit ${r.code}): ${r.stderr.trim()}`);
  };
  const fileOps = qjsFiles(mods, runChmod, runSync);
  // QuickJS has no statfs; busybox df has -k and -P (one line per file system, however long its name).
  const freeBytes = async (path: string): Promise<number | null> => {
    const r = await exec('df', ['-kP', path]);
    const kb = Number(r.stdout.trim().split('\n').pop()!.trim().split(/\s+/)[3]);
    return r.code === 0 && Number.isFinite(kb) ? kb * 1024 : null;
  };

  return {
    exec,
    files: { ...fileOps.files, freeBytes },
    env: (name) => std.getenv(name) ?? undefined,
    now: () => Date.now(),
    sleep,
    log: opts.log ?? createQjsLog(mods),
  };
}

/** Same lines as the node host's log: stderr, and with `syslog` also `logger -t dlan-agent`. */
export function createQjsLog(mods: QjsModules, opts: { minLevel?: LogLevel; syslog?: boolean } = {}): HostLog {
  const { std, os } = mods;
  const min = LOG_LEVELS[opts.minLevel ?? 'info'];
  return {
    log(level, message, fields) {
      if (LOG_LEVELS[level] < min) return;
      const line = formatLogLine(message, fields);
      std.err.puts(`dlan-agent: ${level}: ${line}\n`);
      std.err.flush();
      if (opts.syslog && findProgram(mods, 'logger') !== null) {
        const prio = syslogPriority(level);
        const devnull = os.open('/dev/null', os.O_WRONLY);
        if (devnull < 0) return;
        try {
          // Blocking: logger returns at once, and no child is left to reap.
          os.exec(['logger', '-t', 'dlan-agent', '-p', `daemon.${prio}`, '--', line], {
            block: true,
            usePath: true,
            stdin: devnull,
            stdout: devnull,
            stderr: devnull,
          });
        } finally {
          os.close(devnull);
        }
      }
    },
  };
}
