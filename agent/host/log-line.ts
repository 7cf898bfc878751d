// The one format of a log line, shared by the node and QuickJS hosts: `message key=value …`
// (values with spaces or quotes JSON-quoted), plus the level order and syslog priority names.
import type { LogLevel } from './host.ts';

export const LOG_LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function formatLogLine(message: string, fields?: Record<string, string | number | boolean>): string {
  const kv = fields
    ? Object.entries(fields)
        .map(([k, v]) => ` ${k}=${typeof v === 'string' && /[\s"]/.test(v) ? JSON.stringify(v) : String(v)}`)
        .join('')
    : '';
  return `${message}${kv}`;
}

/** `logger -p daemon.<priority>` name of a level. */
export function syslogPriority(level: LogLevel): string {
  return level === 'warn' ? 'warning' : level === 'error' ? 'err' : level;
}
