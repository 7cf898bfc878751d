// Stand-in for the yaml package's YAML 1.1 tags (schema/yaml-1.1/*) in the QuickJS bundle. The
// config is parsed with the core schema and resolveKnownTags: false (agent/config/parse-yaml-file.ts),
// so these tags are only ever listed, never used: `!!timestamp`, `!!set`… stay unresolved tags,
// which the format refuses. Each stand-in matches nothing, and resolving one is an error.
const unused = (name) => ({
  tag: `tag:yaml.org,2002:${name}`,
  default: false,
  test: /(?!)/,
  identify: () => false,
  resolve: (_value, onError) => onError(`!!${name} is a YAML 1.1 tag, not part of the config format`),
});
export const binary = unused('binary');
export const omap = unused('omap');
export const pairs = unused('pairs');
export const set = unused('set');
export const timestamp = unused('timestamp');
export const intTime = unused('int');
export const floatTime = unused('float');
export const schema = [];
