// The agent's log: one line per phase (`phase=fetch commit=1a2b3c4 ms=120 …`) to stderr through
// the Host log and to syslog through `logger -t dlan-agent` (read with `logread` on OpenWrt, the
// journal on Debian). `logger` runs as a program so this works on every runtime; DLAN_SYSLOG=0
// turns it off (tests). Callers never pass secrets: settings values that are tokens are never
// given to the log, and URLs go through redactUrl.
import type { Host, LogLevel } from '../host/host.ts';

export type Fields = Record<string, string | number | boolean>;

export interface AgentLog {
  log(level: LogLevel, message: string, fields?: Fields): void;
  /** Waits for the syslog writes started so far (before the process exits). */
  flush(): Promise<void>;
}

const PRIO: Record<LogLevel, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'err' };

function formatFields(fields: Fields | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => ` ${k}=${typeof v === 'string' && /[\s"=]/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join('');
}

export function createAgentLog(host: Host): AgentLog {
  const syslog = host.env('DLAN_SYSLOG') !== '0';
  const pending = new Set<Promise<unknown>>();
  return {
    log(level, message, fields) {
      host.log.log(level, message, fields);
      if (!syslog || level === 'debug') return;
      const p = host
        .exec('logger', ['-t', 'dlan-agent', '-p', `daemon.${PRIO[level]}`, '--', `${message}${formatFields(fields)}`], { timeoutMs: 2000 })
        .catch(() => undefined)
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async flush() {
      await Promise.all([...pending]);
    },
  };
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 12) : '-';
}
