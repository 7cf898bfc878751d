// Who holds a lock or a pending confirmation: a pid plus its start time (from /proc/<pid>/stat),
// so a pid reused by another process after a crash is not mistaken for the holder. Read from the
// real /proc (not below --root): processes are not part of the router's files.
import type { Host } from '../host/host.ts';

export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot). */
  startTime: string;
}

function parseStat(text: string): ProcessIdentity | null {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  if (close === -1 || !Number.isInteger(pid)) return null;
  // After "pid (comm) ": state is field 3, starttime field 22 → index 19 of the rest.
  const rest = text.slice(close + 2).split(' ');
  const startTime = rest[19];
  return startTime ? { pid, startTime } : null;
}

export async function selfIdentity(host: Host): Promise<ProcessIdentity> {
  const text = await host.files.read('/proc/self/stat');
  const id = text ? parseStat(text) : null;
  if (!id) throw new Error('cannot read /proc/self/stat');
  return id;
}

/** True when that very process (same pid, same start time) still runs. */
export async function isRunning(host: Host, id: ProcessIdentity): Promise<boolean> {
  if (!Number.isInteger(id.pid) || id.pid <= 0) return false;
  let text: string | null;
  try {
    text = await host.files.read(`/proc/${id.pid}/stat`);
  } catch {
    return false;
  }
  if (text === null) return false;
  const now = parseStat(text);
  // A zombie has exited: it holds nothing any more.
  const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
  return now !== null && now.startTime === id.startTime && state !== 'Z';
}

export function formatIdentity(id: ProcessIdentity): string {
  return `${id.pid}:${id.startTime}`;
}

export function parseIdentity(text: string): ProcessIdentity | null {
  const m = /^(\d+):(\d+)/.exec(text.trim());
  return m ? { pid: Number(m[1]), startTime: m[2]! } : null;
}
