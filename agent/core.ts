// The public entry of dlan-agent's pure core: config → validated model → one router's desired
// state → rendered daemon files. No I/O and no runtime-specific imports anywhere below this file,
// so it runs unchanged under node and QuickJS (test/core-neutral.test.ts bundles it with
// esbuild platform "neutral" to keep it that way).
export type { Config, RawConfig } from './config/config-types.ts';
export type { DesiredState } from './slice/desired-state.ts';
export type { Diagnostic } from './base/diagnostic.ts';
export { ConfigError, formatDiagnostic } from './base/diagnostic.ts';
export { loadConfig, type ConfigFile } from './load/load-config.ts';
export { sliceRouter, UnknownRouterError } from './slice/slice-router.ts';
export { renderBirdConf } from './render/bird/render-bird-conf.ts';
export { renderNginxStatusServer, renderNginxStreamConf } from './render/nginx/render-nginx-stream.ts';
