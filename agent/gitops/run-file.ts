// The volatile heartbeat, `/var/run/dlan/run.json` (RAM on OpenWrt): when the last run happened
// and how it ended, when the remote was last checked, when the daemon runs next. Rewritten on
// every run, unlike state.json, which only changes when something happens.
import type { Host } from '../host/host.ts';

export interface RunInfo {
  /** `unrecorded`: the run could not write its outcome to state.json (read-only, full, newer): only here does status learn it. */
  lastRun: { at: string; result: string; sha: string | null; durationMs: number; message: string; unrecorded?: true } | null;
  remoteCheckedAt: string | null;
  /** Set by `run` (daemon mode); cron mode leaves it null. */
  nextRun: string | null;
  mode: 'cron' | 'daemon' | 'manual';
  daemonPid: number | null;
  /**
   * Set while a cycle runs (the phase it is in, and the head it works on), cleared when it ends:
   * one still set when the next cycle takes the lock means that run died (SIGKILL, out of memory).
   * `pid`: the process running it, `pid:starttime` (process-identity.ts), so `status` can tell.
   */
  running?: { sha: string | null; phase: string; at: string; pid?: string } | null;
}

export async function readRunInfo(host: Host, path: string): Promise<RunInfo | null> {
  const text = await host.files.read(path).catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as RunInfo;
  } catch {
    return null;
  }
}

export async function updateRunInfo(host: Host, path: string, patch: Partial<RunInfo>): Promise<void> {
  const prev = (await readRunInfo(host, path)) ?? { lastRun: null, remoteCheckedAt: null, nextRun: null, mode: 'manual', daemonPid: null };
  await host.files.write(path, `${JSON.stringify({ ...prev, ...patch }, null, 1)}\n`, { mode: 0o644, volatile: true });
}
