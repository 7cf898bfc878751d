// Web/node globals QuickJS (qjs 2025-09-13) does not define but shared agent code may use:
// setTimeout/clearTimeout (qjs has them only as os.setTimeout/os.clearTimeout), queueMicrotask
// and structuredClone. Installed by agent/cli/main-qjs.ts before any command runs, and only where
// missing, so the same code runs on node and QuickJS. Anything else QuickJS lacks (TextEncoder, URL,
// Intl, Buffer, process) fails the QuickJS build instead (build/build-qjs.mjs).

export interface QjsTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** structuredClone for what agent state holds: primitives, plain objects, arrays, Date, Map, Set, RegExp, typed arrays; cycles kept. */
export function cloneStructured<T>(value: T): T {
  const seen = new Map<object, unknown>();
  const clone = (v: unknown): unknown => {
    if (typeof v === 'function' || typeof v === 'symbol') throw new TypeError(`structuredClone: ${typeof v} cannot be cloned`);
    if (v === null || typeof v !== 'object') return v;
    const done = seen.get(v);
    if (done !== undefined) return done;
    if (v instanceof Date) return new Date(v.getTime());
    if (v instanceof RegExp) return new RegExp(v.source, v.flags);
    if (ArrayBuffer.isView(v)) {
      const copy = (v as unknown as { slice(): unknown }).slice();
      seen.set(v, copy);
      return copy;
    }
    if (v instanceof Map) {
      const m = new Map();
      seen.set(v, m);
      for (const [k, x] of v) m.set(clone(k), clone(x));
      return m;
    }
    if (v instanceof Set) {
      const s = new Set();
      seen.set(v, s);
      for (const x of v) s.add(clone(x));
      return s;
    }
    const out: Record<string, unknown> | unknown[] = Array.isArray(v) ? [] : {};
    seen.set(v, out);
    for (const k of Object.keys(v)) (out as Record<string, unknown>)[k] = clone((v as Record<string, unknown>)[k]);
    return out;
  };
  return clone(value) as T;
}

export function installQjsGlobals(timers: QjsTimers): void {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.setTimeout !== 'function') g.setTimeout = (fn: () => void, ms = 0) => timers.setTimeout(fn, ms);
  if (typeof g.clearTimeout !== 'function') g.clearTimeout = (h: unknown) => timers.clearTimeout(h);
  if (typeof g.queueMicrotask !== 'function') g.queueMicrotask = (fn: () => void) => void Promise.resolve().then(fn);
  if (typeof g.structuredClone !== 'function') g.structuredClone = cloneStructured;
}
