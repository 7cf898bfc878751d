// Stand-in for QuickJS's `std` module, evaluated INSIDE a real QuickJS engine (quickjs-emscripten,
// Bellard's QuickJS 2025-09-13) by test/qjs/qjs-engine.ts. Each call goes to the real file system
// and processes through the node-side function `__dlanHost(op, argsJson) → resultJson`, and keeps
// the real module's return conventions (null + errorObj.errno, FILE objects, -errno), so the code
// under test behaves as it would under `qjs`. Only the calls agent/host/qjs-host.ts and
// agent/cli/main-qjs.ts make are here; any other is absent, so a new dependency fails loudly.
const call = (op, ...args) => {
  const r = JSON.parse(globalThis.__dlanHost(op, JSON.stringify(args)));
  if (r && r.__throw) throw new Error(r.__throw);
  return r;
};

const consts = call('constants');
export const Error = consts.stdErrors;

class FILE {
  #fd;
  #pending = '';
  #error = false;
  #closed = false;
  #console;
  constructor(fd, console) {
    this.#fd = fd;
    this.#console = console;
  }
  puts(s) {
    this.#pending += String(s);
    if (this.#pending.length > 65536) this.flush();
  }
  flush() {
    if (this.#pending === '') return 0;
    const text = this.#pending;
    this.#pending = '';
    const rc = this.#console ? call('console', this.#console, text) : call('write', this.#fd, text);
    if (rc < 0) this.#error = true;
    return 0;
  }
  error() {
    return this.#error;
  }
  readAsString() {
    return call('readAll', this.#fd);
  }
  close() {
    if (this.#closed) return -consts.EBADF;
    this.flush();
    this.#closed = true;
    return this.#console ? 0 : call('close', this.#fd);
  }
}

const MODES = { r: 'r', w: 'w', a: 'a' };
export function open(path, mode, errorObj) {
  const fd = call('fopen', path, MODES[mode[0]] ?? mode);
  if (fd < 0) {
    if (errorObj) errorObj.errno = -fd;
    return null;
  }
  if (errorObj) errorObj.errno = 0;
  return new FILE(fd);
}
export function fdopen(fd, _mode, errorObj) {
  if (errorObj) errorObj.errno = 0;
  return new FILE(fd);
}
export const out = new FILE(1, 'out');
export const err = new FILE(2, 'err');
export function getenv(name) {
  const v = call('getenv', name);
  return v === null ? undefined : v;
}
export function getenviron() {
  return call('getenviron');
}
export function strerror(errno) {
  return call('strerror', errno);
}
export function exit(code) {
  out.flush();
  err.flush();
  call('exit', code);
}
