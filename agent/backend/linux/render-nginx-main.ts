// Main configuration of dlan's private nginx instance on Linux: the stream services and the
// optional stub_status server of render/nginx, wrapped with what a standalone nginx needs (module,
// pid, logs, events). Private so that it never fights with a web server the admin runs: on Debian
// it runs as dlan-nginx.service (packaging/debian), in the lab from the service table.
import type { DesiredState } from '../../slice/desired-state.ts';
import { renderNginxStatusServer, renderNginxStreamConf } from '../../render/nginx/render-nginx-stream.ts';
import { safeName } from '../../base/safe-token.ts';

export interface NginxMainOptions {
  /** Path of ngx_stream_module.so when it exists (Debian: libnginx-mod-stream); null = built in. */
  streamModule: string | null;
  pidFile: string;
  errorLog: string;
}

/** Paths written into the file come from the agent itself, never from the config; still refuse odd ones. */
function safePath(p: string): string {
  if (!/^\/[A-Za-z0-9_./-]*$/.test(p)) throw new Error(`refusing to write nginx path ${JSON.stringify(p)}`);
  return p;
}

function indent(block: string): string[] {
  return block
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l === '' ? '' : `\t${l}`));
}

export function renderNginxMain(state: DesiredState, opts: NginxMainOptions): string {
  const lines = [`# nginx main configuration of dlan router ${safeName(state.router)} (private instance), written by dlan-agent.`];
  if (opts.streamModule !== null) lines.push(`load_module ${safePath(opts.streamModule)};`);
  lines.push(
    'worker_processes auto;',
    `pid ${safePath(opts.pidFile)};`,
    `error_log ${safePath(opts.errorLog)} warn;`,
    '',
    'events {',
    '\tworker_connections 1024;',
    '}',
    '',
    renderNginxStreamConf(state).replace(/\n$/, ''),
  );
  const status = renderNginxStatusServer(state);
  if (status !== null) lines.push('', 'http {', '\taccess_log off;', ...indent(status), '}');
  lines.push('');
  return lines.join('\n');
}
