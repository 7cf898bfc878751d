// The agent's own settings file (`/etc/config/dlan-agent`) in UCI syntax, as sections with their
// options by name. The agent reads its settings before it knows whether `uci` exists (tests,
// --root folders, first boot) and owns that file outright, so it reads it with uci's own rules
// (agent/base/parse-uci-text.ts) and writes it itself instead of going through `uci`. Values are
// always written single-quoted with `'` as `'\''`, as `uci export` does.
import { parseUciText } from '../base/parse-uci-text.ts';
import { quoteUci, validateName, validateType, validateValue } from '../base/uci-syntax.ts';

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

/** Section `type` named `name`, else the first of that type (a hand-edited file may name it otherwise). */
export function findSection(sections: readonly SettingsSection[], type: string, name: string): SettingsSection | undefined {
  return sections.find((s) => s.type === type && s.name === name) ?? sections.find((s) => s.type === type);
}

/** The file's text, every name and value checked (uci-syntax.ts) so no value can become UCI syntax. */
export function renderUciFile(sections: readonly SettingsSection[]): string {
  let out = '';
  for (const s of sections) {
    out += `\nconfig ${validateType(s.type)}${s.name !== null ? ` '${validateName('section', s.name)}'` : ''}\n`;
    for (const [key, value] of Object.entries(s.options)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        out += `\t${Array.isArray(value) ? 'list' : 'option'} ${validateName('option', key)} ${quoteUci(validateValue(key, v))}\n`;
      }
    }
  }
  return out;
}
