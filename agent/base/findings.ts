// What every validation stage collects before positions are attached: a path in the merged
// document and a message. The loader turns findings into Diagnostics (file, line, column).
import type { Path } from './diagnostic.ts';

export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  path: Path;
  message: string;
  /** Point at the key of the last path segment rather than its value. */
  atKey?: boolean;
  /**
   * The value at `path` itself is malformed (wrong type or shape): rules reading it or anything
   * inside it would only repeat the problem, so their findings there are dropped.
   */
  malformed?: boolean;
}

export class Findings {
  readonly list: Finding[] = [];

  error(path: Path, message: string, atKey = false, malformed = false): void {
    this.list.push({ severity: 'error', path, message, atKey, malformed });
  }

  warn(path: Path, message: string): void {
    this.list.push({ severity: 'warning', path, message });
  }
}

/** A value from the config repo as it appears in a message: short, control characters escaped. */
export function show(value: unknown): string {
  let text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  // Bidi and invisible format characters are escaped too: a message must show what the file holds,
  // not let it reorder or hide text on the admin's terminal ("Trojan Source").
  text = text.replace(/[\u0000-\u001f\u007f-\u009f`\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => (c === '`' ? "'" : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return `\`${text.length > 64 ? `${text.slice(0, 61)}...` : text}\``;
}
