// The agent's own settings file (`/etc/config/dlan-agent`) in UCI syntax, as sections with their
// options by name. The agent reads its settings before it knows whether `uci` exists (tests,
// --root folders, first boot) and owns that file outright, so it reads it with uci's own rules
// (agent/base/parse-uci-text.ts) and writes it itself instead of going through `uci`. Values are
// always written single-quoted with `'` as `'\''`, as `uci export` does.
import { parseUciText } from '../base/parse-uci-text.ts';

export interface SettingsSection {
  type: string;
  /** `null` for an anonymous section. */
  name: string | null;
  options: Record<string, string | string[]>;
}

/** The sections of a UCI text; throws UciSyntaxError (reason, line, byte) where uci would refuse it. */
export function parseUciFile(text: string): SettingsSection[] {
  return parseUciText(text, 'dlan-agent').sections.map((s) => ({ type: s.type, name: s.name, options: Object.fromEntries(s.options.map((o) => [o.name, o.value])) }));
}

const NAME = /^[A-Za-z0-9_]+$/;

function quote(value: string): string {
  // Control characters other than tab cannot round-trip through `uci` (uci_validate_text).
  if (/[\0-\x08\x0a-\x1f]/.test(value)) throw new Error('a UCI value cannot hold control characters');
  return `'${value.replace(/'/g, "'\\''")}'`;
}

export function renderUciFile(sections: readonly SettingsSection[]): string {
  let out = '';
  for (const s of sections) {
    if (!NAME.test(s.type) || (s.name !== null && !NAME.test(s.name))) throw new Error(`bad UCI section ${s.type} ${s.name ?? ''}`);
    out += `\nconfig ${s.type}${s.name !== null ? ` '${s.name}'` : ''}\n`;
    for (const [key, value] of Object.entries(s.options)) {
      if (!NAME.test(key)) throw new Error(`bad UCI option name ${key}`);
      if (Array.isArray(value)) for (const v of value) out += `\tlist ${key} ${quote(v)}\n`;
      else out += `\toption ${key} ${quote(value)}\n`;
    }
  }
  return out;
}
