// The Debian layout of the agent settings, `/etc/dlan/agent.yaml` (OpenWrt keeps them in UCI:
// settings-file.ts). Its own module so the QuickJS bundle, which runs on OpenWrt only, can leave it
// out (build/qjs-stubs/yaml-settings.ts), as it leaves out the Linux backend.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { RawSettings } from './agent-settings.ts';

/** The raw settings of an agent.yaml text; throws naming `path` on a syntax or shape error. */
export function parseYamlSettings(text: string, path: string): RawSettings {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path}: expected a mapping of settings`);
  const raw: RawSettings = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) raw[k] = v.map((x) => String(x));
    else if (typeof v === 'object') throw new Error(`${path}: ${k}: expected a value or a list`);
    else raw[k] = String(v);
  }
  return raw;
}

export function yamlSettingsText(raw: RawSettings): string {
  return `# dlan-agent settings (see \`dlan-agent init --help\`)\n${stringifyYaml(raw)}`;
}
