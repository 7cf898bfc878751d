// Runs an ES module inside a real QuickJS engine (quickjs-emscripten 0.32, which vendors Bellard's
// QuickJS 2025-09-13, the release OpenWrt 25.12 ships as `qjs`), the way `qjs FILE ARGS…` would:
// the globals qjs adds (scriptArgs, print, console.log), the `std`/`os` modules as stand-ins
// (test/qjs/stand-in/, backed by this file's real file-system and process functions), and an event
// loop like js_std_loop (pending jobs, then timers, until nothing is left or std.exit was called).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants as fsc, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, symlinkSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { constants as osc } from 'node:os';
import { getQuickJS, type QuickJSContext, type QuickJSHandle } from 'quickjs-emscripten';

const STAND_IN_DIR = new URL('./stand-in/', import.meta.url);
const STAND_IN = {
  std: readFileSync(new URL('std.js', STAND_IN_DIR), 'utf8'),
  os: readFileSync(new URL('os.js', STAND_IN_DIR), 'utf8'),
};

export interface QjsRunOptions {
  /** scriptArgs[1..] (scriptArgs[0] is the module's file name). */
  args?: string[];
  /** The process environment seen through std.getenv/getenviron (default: this process's). */
  env?: Record<string, string>;
  /** Names the engine's modules are registered under: Bellard's ('std','os') or quickjs-ng's. */
  moduleNames?: 'bellard' | 'quickjs-ng';
  /** Give up after this long (a hung module fails the test instead of hanging it). */
  timeoutMs?: number;
  /** The engine's own allocation limit (JS_SetMemoryLimit); beyond it, allocations throw. */
  memoryLimitBytes?: number;
  /**
   * Leave the engine undisposed (for a process that exits right after, as the bench's children
   * do): freeing a runtime that still holds objects aborts the whole wasm module, result and all.
   */
  noDispose?: boolean;
}

export interface QjsRunResult {
  /** What std.exit was called with; undefined when the module ended without calling it. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** An exception that escaped the module (evaluation or a job), as text. */
  uncaught: string | undefined;
  /** JS heap of the engine at the end (JS_ComputeMemoryUsage: malloc_size), bytes. */
  heapBytes: number;
}

const errnoNames = new Map(Object.entries(osc.errno).map(([name, n]) => [n, name]));
const negErrno = (e: unknown): number => {
  const n = (e as NodeJS.ErrnoException).errno;
  return typeof n === 'number' ? (n < 0 ? n : -n) : -osc.errno.EIO;
};

/** os.stat / os.lstat: [fields, 0] or [null, errno]. */
function statOf(p: string, how: typeof statSync | typeof lstatSync) {
  try {
    const s = how(p);
    const ms = (t: number) => Math.floor(t);
    return [{ dev: s.dev, ino: s.ino, mode: s.mode, nlink: s.nlink, uid: s.uid, gid: s.gid, rdev: s.rdev, size: s.size, blocks: s.blocks, atime: ms(s.atimeMs), mtime: ms(s.mtimeMs), ctime: ms(s.ctimeMs) }, 0];
  } catch (e) {
    return [null, -negErrno(e)];
  }
}

/** The node side of the stand-in: one function per std/os call, returning JSON-able values. */
function hostOps(env: Record<string, string>, out: { stdout: string; stderr: string; exitCode: number | undefined }) {
  const children = new Map<number, { status: number | null; child?: ChildProcess }>();
  let fakePid = 4_000_000; // for programs that could not start: a real fork would give a pid too
  const statusOf = (code: number | null, signal: NodeJS.Signals | null) =>
    signal ? osc.signals[signal] : ((code ?? 0) & 0xff) << 8;

  return {
    constants: () => ({
      stdErrors: Object.fromEntries(['EINVAL', 'EIO', 'EACCES', 'EEXIST', 'ENOSPC', 'ENOSYS', 'EBUSY', 'ENOENT', 'EPERM', 'EPIPE'].map((n) => [n, osc.errno[n as keyof typeof osc.errno]])),
      EBADF: osc.errno.EBADF,
      open: { O_RDONLY: fsc.O_RDONLY, O_WRONLY: fsc.O_WRONLY, O_RDWR: fsc.O_RDWR, O_APPEND: fsc.O_APPEND, O_CREAT: fsc.O_CREAT, O_EXCL: fsc.O_EXCL, O_TRUNC: fsc.O_TRUNC },
      stat: { S_IFMT: fsc.S_IFMT, S_IFDIR: fsc.S_IFDIR, S_IFREG: fsc.S_IFREG, S_IFLNK: fsc.S_IFLNK },
    }),
    now: () => Date.now(),
    sleep: (ms: number) => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms),
    getenv: (name: string) => env[name] ?? null,
    getenviron: () => env,
    strerror: (errno: number) => errnoNames.get(errno) ?? `errno ${errno}`,
    exit: (code: number) => void (out.exitCode = code),
    console: (which: 'out' | 'err', text: string) => void (which === 'out' ? (out.stdout += text) : (out.stderr += text)),
    fopen(path: string, mode: string) {
      try {
        return openSync(path, mode);
      } catch (e) {
        return negErrno(e);
      }
    },
    open(path: string, flags: number, mode: number) {
      try {
        return openSync(path, flags, mode);
      } catch (e) {
        return negErrno(e);
      }
    },
    close(fd: number) {
      try {
        closeSync(fd);
        return 0;
      } catch (e) {
        return negErrno(e);
      }
    },
    write(fd: number, text: string) {
      try {
        return writeSync(fd, text);
      } catch (e) {
        return negErrno(e);
      }
    },
    readAll: (fd: number) => readFileSync(fd, 'utf8'),
    rename(a: string, b: string) {
      try {
        renameSync(a, b);
        return 0;
      } catch (e) {
        return negErrno(e);
      }
    },
    remove(p: string) {
      // libc remove(): unlink, or rmdir for a folder.
      try {
        unlinkSync(p);
        return 0;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EISDIR' && code !== 'EPERM') return negErrno(e);
        try {
          rmdirSync(p);
          return 0;
        } catch (e2) {
          return negErrno(e2);
        }
      }
    },
    mkdir(p: string, mode: number) {
      try {
        mkdirSync(p, { mode });
        return 0;
      } catch (e) {
        return negErrno(e);
      }
    },
    symlink(target: string, p: string) {
      try {
        symlinkSync(target, p);
        return 0;
      } catch (e) {
        return negErrno(e);
      }
    },
    readlink(p: string) {
      try {
        return [readlinkSync(p), 0];
      } catch (e) {
        return ['', -negErrno(e)];
      }
    },
    stat: (p: string) => statOf(p, statSync),
    lstat: (p: string) => statOf(p, lstatSync),
    readdir(p: string) {
      try {
        return [['.', '..', ...readdirSync(p)], 0];
      } catch (e) {
        return [[], -negErrno(e)];
      }
    },
    getpid: () => process.pid,
    kill(pid: number, sig: number) {
      try {
        process.kill(pid, sig);
        return 0;
      } catch (e) {
        return negErrno(e);
      }
    },
    exec(argv: string[], o: { block: boolean; usePath: boolean; cwd?: string; env?: Record<string, string>; stdin?: number; stdout?: number; stderr?: number }) {
      const [file, ...args] = argv;
      if (file === undefined) return { __throw: 'exec: empty argument list' };
      const stdio = [o.stdin ?? 'inherit', o.stdout ?? 'inherit', o.stderr ?? 'inherit'] as ('inherit' | number)[];
      const opts = { cwd: o.cwd, env: o.env ?? env, stdio };
      if (!o.usePath && !file.includes('/')) return { __throw: 'exec: usePath false needs a path' };
      if (o.block) {
        const r = spawnSync(file, args, opts);
        if (r.error) return 127;
        return r.signal ? -osc.signals[r.signal] : (r.status ?? 0);
      }
      const child = spawn(file, args, opts);
      if (child.pid === undefined) {
        child.on('error', () => {});
        const pid = ++fakePid;
        children.set(pid, { status: 127 << 8 });
        return pid;
      }
      const rec: { status: number | null; child?: ChildProcess } = { status: null, child };
      children.set(child.pid, rec);
      child.on('exit', (code, signal) => void (rec.status = statusOf(code, signal)));
      return child.pid;
    },
    waitpid(pid: number, options: number) {
      const rec = children.get(pid);
      if (!rec) return [-osc.errno.ECHILD, 0];
      if (rec.status === null) {
        if (options & 1) return [0, 0];
        return { __throw: 'stand-in os.waitpid: blocking wait is not supported (the host polls with WNOHANG)' };
      }
      children.delete(pid);
      return [pid, rec.status];
    },
  };
}

function setGlobal(vm: QuickJSContext, name: string, value: QuickJSHandle) {
  vm.setProp(vm.global, name, value);
  value.dispose();
}

/** Runs `source` as the main module `filename` (e.g. dist/dlan-agent.qjs.js) with `args`. */
export async function runQjsModule(source: string, filename: string, opts: QjsRunOptions = {}): Promise<QjsRunResult> {
  const QuickJS = await getQuickJS();
  const runtime = QuickJS.newRuntime();
  if (opts.memoryLimitBytes !== undefined) runtime.setMemoryLimit(opts.memoryLimitBytes);
  const names = opts.moduleNames === 'quickjs-ng' ? { std: 'qjs:std', os: 'qjs:os' } : { std: 'std', os: 'os' };
  runtime.setModuleLoader((name) => {
    if (name === names.std) return STAND_IN.std;
    if (name === names.os) return STAND_IN.os;
    return { error: new Error(`could not load module filename '${name}'`) };
  });
  const vm = runtime.newContext();
  const out = { stdout: '', stderr: '', exitCode: undefined as number | undefined };
  const ops = hostOps(opts.env ?? (process.env as Record<string, string>), out) as unknown as Record<string, (...a: unknown[]) => unknown>;
  let uncaught: string | undefined;
  try {
    setGlobal(
      vm,
      '__dlanHost',
      vm.newFunction('__dlanHost', (opH, argsH) => {
        const op = vm.getString(opH);
        const fn = ops[op];
        if (!fn) return vm.newString(JSON.stringify({ __throw: `stand-in: no host op ${op}` }));
        return vm.newString(JSON.stringify(fn(...(JSON.parse(vm.getString(argsH)) as unknown[])) ?? null));
      }),
    );
    // What js_std_add_helpers defines in qjs, and nothing more.
    const args = vm.newArray();
    [filename, ...(opts.args ?? [])].forEach((a, i) => vm.setProp(args, i, vm.newString(a)));
    setGlobal(vm, 'scriptArgs', args);
    vm.unwrapResult(vm.evalCode(`globalThis.print = (...a) => globalThis.__dlanHost('console', JSON.stringify(['out', a.join(' ') + '\\n']));
globalThis.console = { log: globalThis.print };`)).dispose();

    const evaluated = vm.evalCode(source, filename, { type: 'module' });
    if (evaluated.error) {
      uncaught = describe(vm, evaluated.error);
      evaluated.error.dispose();
    } else {
      evaluated.value.dispose();
    }
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    while (uncaught === undefined && out.exitCode === undefined) {
      const jobs = runtime.executePendingJobs();
      if (jobs.error) {
        uncaught = describe(vm, jobs.error);
        jobs.error.dispose();
        break;
      }
      if (out.exitCode !== undefined) break;
      const next = vm.unwrapResult(vm.evalCode('globalThis.__dlanTimers ? globalThis.__dlanTimers.next() : null'));
      const nextAt = vm.dump(next) as number | null;
      next.dispose();
      if (nextAt === null) {
        if (runtime.hasPendingJob()) continue;
        break;
      }
      if (Date.now() > deadline) throw new Error(`QuickJS module ${filename} still running after ${opts.timeoutMs ?? 60_000} ms`);
      await new Promise((r) => setTimeout(r, Math.max(0, nextAt - Date.now())));
      vm.unwrapResult(vm.evalCode(`globalThis.__dlanTimers.runDue(${Date.now()})`)).dispose();
    }
    const heapBytes = heapSize(runtime.dumpMemoryUsage());
    return { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, uncaught, heapBytes };
  } finally {
    if (!opts.noDispose) {
      vm.dispose();
      runtime.dispose();
    }
  }
}

function describe(vm: QuickJSContext, h: QuickJSHandle): string {
  const v = vm.dump(h) as { message?: string; stack?: string } | string;
  return typeof v === 'object' && v !== null ? `${v.message ?? ''}\n${v.stack ?? ''}` : String(v);
}

/** The SIZE column of "memory used COUNT SIZE" in JS_DumpMemoryUsage's table, in bytes. */
function heapSize(dump: string): number {
  const m = /^memory used\s+\d+\s+(\d+)/m.exec(dump);
  return m ? Number(m[1]) : -1;
}
