// Reads and validates the config at PATH (a config-repo folder or one YAML file).
import type { Config } from '../config/config-types.ts';
import { loadConfig } from './load-config.ts';
import { readConfigFiles } from '../config/read-config-files.ts';
import type { Host } from '../host/host.ts';
import type { Diagnostic } from '../base/diagnostic.ts';

export type LoadedConfig = { ok: true; config: Config; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export async function loadConfigAt(host: Host, path: string): Promise<LoadedConfig> {
  const read = await readConfigFiles(host, path);
  if (!read.ok) return { ok: false, diagnostics: read.diagnostics };
  return loadConfig(read.files);
}
