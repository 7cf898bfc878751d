// Where the agent settings live and how they are read and written, through the Host.
// OpenWrt: `<root>/etc/config/dlan-agent` (UCI syntax, section `config agent 'main'`);
// Debian: `<root>/etc/dlan/agent.yaml` (the same keys). The file that exists wins; otherwise a
// router is OpenWrt when it has /etc/openwrt_release (as the backend choice decides).
import * as DLAN_PATHS from '../base/dlan-paths.ts';
import { underRoot } from '../base/dlan-paths.ts';
import { parseYamlSettings, yamlSettingsText } from './yaml-settings.ts';
import type { Host } from '../host/host.ts';
import { LIST_KEYS, parseSettings, SECRET_KEYS, type RawSettings, type SettingsResult } from './agent-settings.ts';
import { findSection, parseUciFile, renderUciFile, type SettingsSection } from './uci-file.ts';
import { setUciOptions } from './uci-file-edit.ts';

export type SettingsFormat = 'uci' | 'yaml';

export interface SettingsLocation {
  format: SettingsFormat;
  path: string;
}

export async function locateSettings(host: Host, root: string): Promise<SettingsLocation> {
  const uci = underRoot(root, DLAN_PATHS.settingsUci);
  const yaml = underRoot(root, DLAN_PATHS.settingsYaml);
  if ((await host.files.stat(uci)) !== null) return { format: 'uci', path: uci };
  if ((await host.files.stat(yaml)) !== null) return { format: 'yaml', path: yaml };
  const openwrt = await host.files.stat(underRoot(root, '/etc/openwrt_release'));
  return openwrt !== null ? { format: 'uci', path: uci } : { format: 'yaml', path: yaml };
}

/** The sections of the UCI settings file; `null` when it does not exist. Throws naming the file on a syntax error. */
async function readUciSections(host: Host, path: string): Promise<SettingsSection[] | null> {
  const text = await host.files.read(path);
  if (text === null) return null;
  try {
    return parseUciFile(text);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/** Reads the raw settings; `null` when the file does not exist. Throws with the file name on a syntax error. */
export async function readRawSettings(host: Host, loc: SettingsLocation): Promise<RawSettings | null> {
  if (loc.format === 'uci') {
    const sections = await readUciSections(host, loc.path);
    if (sections === null) return null;
    const main = findSection(sections, 'agent', 'main');
    return main ? { ...main.options } : {};
  }
  const text = await host.files.read(loc.path);
  return text === null ? null : parseYamlSettings(text, loc.path);
}

/**
 * Writes the agent settings. On OpenWrt `serviceMode` also goes to the package's `service`
 * section (`option mode`), which /etc/init.d/dlan-agent reads to choose cron or daemon mode, so
 * `init --schedule` and the init script agree. The UCI file is the package's conffile: it is
 * edited in place (comments, order and other sections kept, see uci-file-edit.ts) and stays 0600.
 */
export async function writeRawSettings(host: Host, loc: SettingsLocation, raw: RawSettings, serviceMode?: string): Promise<void> {
  const ordered: RawSettings = {};
  for (const [k, v] of Object.entries(raw)) ordered[k] = LIST_KEYS.has(k) && !Array.isArray(v) ? [v] : v;
  // Tokens may sit in this file: readable by root only.
  const hasSecret = Object.keys(ordered).some((k) => SECRET_KEYS.has(k));
  if (loc.format === 'uci') {
    const text = await host.files.read(loc.path);
    let edited = text === null ? null : setUciOptions(text, 'agent', 'main', ordered, true);
    if (edited !== null && serviceMode !== undefined) edited = setUciOptions(edited, 'service', 'service', { mode: serviceMode }, false);
    if (edited === null) {
      const others = text === null ? [] : parseUciFile(text).filter((s) => !(s.type === 'agent'));
      if (serviceMode !== undefined) {
        const service = others.find((s) => s.type === 'service');
        if (service) service.options.mode = serviceMode;
        else others.push({ type: 'service', name: 'service', options: { mode: serviceMode } });
      }
      edited = renderUciFile([{ type: 'agent', name: 'main', options: ordered }, ...others]);
    }
    await host.files.write(loc.path, edited, { mode: 0o600 });
  } else {
    await host.files.write(loc.path, yamlSettingsText(ordered), { mode: hasSecret ? 0o600 : 0o644 });
  }
}

/** The package's `option mode` (service section) of a UCI settings file: 'cron', 'daemon' or null. */
export async function readServiceMode(host: Host, loc: SettingsLocation): Promise<'cron' | 'daemon' | null> {
  if (loc.format !== 'uci') return null;
  const mode = (await readUciSections(host, loc.path))?.find((s) => s.type === 'service')?.options.mode;
  return mode === 'cron' || mode === 'daemon' ? mode : null;
}

async function hostname(host: Host): Promise<string | null> {
  const h = (await host.files.read('/proc/sys/kernel/hostname'))?.trim();
  return h ? h : null;
}

export type LoadedSettings = SettingsResult & { location: SettingsLocation };

/** Reads and checks the settings below `root`. A missing file is an error that says to run init. */
export async function loadSettings(host: Host, root: string): Promise<LoadedSettings> {
  const location = await locateSettings(host, root);
  let raw: RawSettings | null;
  try {
    raw = await readRawSettings(host, location);
  } catch (e) {
    return { ok: false, errors: [(e as Error).message], location };
  }
  if (raw === null) return { ok: false, errors: [`${location.path}: no agent settings; run \`dlan-agent init\` first`], location };
  const result = parseSettings(raw, await hostname(host));
  if (!result.ok) return { ok: false, errors: result.errors.map((e) => `${location.path}: ${e}`), location };
  return { ...result, warnings: result.warnings.map((w) => `${location.path}: ${w}`), location };
}
