// The lab's own long-running processes (holders, DHCP clients, home routers' dnsmasq, echo
// servers, git daemon), tracked by pid files under LAB_DIR/pids so that re-running `up` reuses
// what is alive and `down` knows what to stop.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, spawnDetached } from './run.ts';
import { paths } from './topology.ts';

function pidFile(name: string): string {
  return join(paths.pids, `${name}.pid`);
}

export function readPid(name: string): number | null {
  const f = pidFile(name);
  if (!existsSync(f)) return null;
  const pid = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function alivePid(name: string): number | null {
  const pid = readPid(name);
  return pid !== null && isAlive(pid) ? pid : null;
}

/** Starts argv detached unless the process recorded under `name` is still alive; returns its pid. */
export function ensureDaemon(name: string, argv: readonly string[], env?: Record<string, string>): number {
  const running = alivePid(name);
  if (running !== null) return running;
  mkdirSync(paths.pids, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
  const pid = spawnDetached(argv, join(paths.logs, `${name}.log`), env);
  writeFileSync(pidFile(name), `${pid}\n`);
  return pid;
}

export function logFile(name: string): string {
  return join(paths.logs, `${name}.log`);
}
