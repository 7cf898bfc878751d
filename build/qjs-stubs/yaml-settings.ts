// Stand-in for the Debian settings file (agent.yaml) in the QuickJS bundle: QuickJS is how
// dlan-agent runs on OpenWrt 25.12+, where the settings are UCI (/etc/config/dlan-agent); Debian
// routers run the node build.
import type { RawSettings } from '../../agent/settings/agent-settings.ts';

function refuse(): never {
  throw new Error('the QuickJS build reads settings from /etc/config/dlan-agent only: run the node build (dist/dlan-agent.js) with /etc/dlan/agent.yaml');
}

export const parseYamlSettings = (_text: string, _path: string): RawSettings => refuse();
export const yamlSettingsText = (_raw: RawSettings): string => refuse();
