// Stand-in for QuickJS's `os` module (see std.js beside it). Return conventions as in
// quickjs-libc.c: os.open → fd or -errno; rename/remove/mkdir → 0 or -errno; stat/readdir →
// [value, errno]; exec → exit code (block) or pid; waitpid → [pid or 0 or -errno, raw status].
// Timers live here, in the engine, like js_std_loop's: the test driver asks __dlanTimers for the
// next deadline, waits in node (so child processes run) and fires the due ones.
const call = (op, ...args) => {
  const r = JSON.parse(globalThis.__dlanHost(op, JSON.stringify(args)));
  if (r && r.__throw) throw new Error(r.__throw);
  return r;
};
const consts = call('constants');

export const { O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_EXCL, O_TRUNC } = consts.open;
export const { S_IFMT, S_IFDIR, S_IFREG, S_IFLNK } = consts.stat;
export const WNOHANG = 1;
export const SIGINT = 2;
export const SIGTERM = 15;

export const open = (path, flags, mode = 0o666) => call('open', path, flags, mode);
export const close = (fd) => call('close', fd);
export const rename = (a, b) => call('rename', a, b);
export const remove = (p) => call('remove', p);
export const mkdir = (p, mode = 0o777) => call('mkdir', p, mode);
export const stat = (p) => call('stat', p);
export const lstat = (p) => call('lstat', p);
export const readdir = (p) => call('readdir', p);
export const symlink = (target, p) => call('symlink', target, p);
export const readlink = (p) => call('readlink', p);
export const getpid = () => call('getpid');
export const isatty = (_fd) => false;
export const kill = (pid, sig) => call('kill', pid, sig);
export const waitpid = (pid, options) => call('waitpid', pid, options);
export function exec(argv, opts = {}) {
  return call('exec', argv, {
    block: opts.block ?? true,
    usePath: opts.usePath ?? true,
    cwd: opts.cwd,
    env: opts.env,
    stdin: opts.stdin,
    stdout: opts.stdout,
    stderr: opts.stderr,
  });
}

const timers = [];
let nextTimerId = 1;
export function setTimeout(fn, ms) {
  const t = { id: nextTimerId++, at: call('now') + Math.max(0, ms), fn };
  timers.push(t);
  return t.id;
}
export function clearTimeout(id) {
  const i = timers.findIndex((t) => t.id === id);
  if (i >= 0) timers.splice(i, 1);
}
// os.signal(sig, handler): recorded only; the test driver can raise one with __dlanSignals.raise(n).
const signalHandlers = new Map();
export function signal(sig, handler) {
  if (typeof sig !== 'number' || sig < 0 || sig >= 64) throw new RangeError('invalid signal number');
  if (handler === null || handler === undefined) signalHandlers.delete(sig);
  else signalHandlers.set(sig, handler);
}
globalThis.__dlanSignals = {
  raise(sig) {
    const h = signalHandlers.get(sig);
    if (h) h();
    return Boolean(h);
  },
};
export const sleepAsync = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const sleep = (ms) => call('sleep', ms);
export const now = () => call('now');
export const platform = 'linux';

globalThis.__dlanTimers = {
  next: () => (timers.length ? Math.min(...timers.map((t) => t.at)) : null),
  runDue(nowMs) {
    const due = timers.filter((t) => t.at <= nowMs).sort((a, b) => a.at - b.at || a.id - b.id);
    for (const t of due) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
  },
};
