// The files dlan-agent writes on an OpenWrt router besides UCI: bird's configuration, the nginx
// stream block (with the module load) and status server, and root's authorized SSH keys.
import { renderBirdConf } from '../../../render/bird/render-bird-conf.ts';
import { renderNginxStatusServer, renderNginxStreamConf } from '../../../render/nginx/render-nginx-stream.ts';
import type { DesiredState } from '../../../slice/desired-state.ts';

export type FileCheck = 'bird' | 'nginx-stream' | 'nginx-http';

export interface RenderedFile {
  /** Path on the router (below `--root`). */
  path: string;
  content: string;
  mode: number;
  check?: FileCheck;
}

export const BIRD_CONF = '/etc/bird.conf';
/**
 * OpenWrt's nginx (`uci.conf.template`) includes `module.d/*.module` at the top level, before
 * `events {}`: the only place a `stream {}` block can go (conf.d is inside `http {}`). The `zz-`
 * prefix sorts it after any `*.module` file of the nginx-mod-stream package that loads the module.
 */
export const NGINX_STREAM_FILE = '/etc/nginx/module.d/zz-dlan-stream.module';
/** conf.d/*.conf is included inside `http {}`: the place for the status server. */
export const NGINX_STATUS_FILE = '/etc/nginx/conf.d/dlan-status.conf';
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
export const AUTHORIZED_KEYS = '/etc/dropbear/authorized_keys';

export interface FileRenderContext {
  /** Another `module.d/*.module` file already loads ngx_stream_module (loading it twice is an error). */
  streamModuleLoadedElsewhere: boolean;
}

export function renderFiles(state: DesiredState, ctx: FileRenderContext): RenderedFile[] {
  const files: RenderedFile[] = [{ path: BIRD_CONF, content: renderBirdConf(state), mode: 0o644, check: 'bird' }];
  if (state.services.length > 0) {
    const load = ctx.streamModuleLoadedElsewhere ? [] : [`load_module ${NGINX_STREAM_MODULE};`, ''];
    files.push({ path: NGINX_STREAM_FILE, content: [...load, renderNginxStreamConf(state)].join('\n'), mode: 0o644, check: 'nginx-stream' });
    const status = renderNginxStatusServer(state);
    if (status !== null) files.push({ path: NGINX_STATUS_FILE, content: status, mode: 0o644, check: 'nginx-http' });
  }
  if (state.ssh !== null) {
    for (const k of state.ssh.authorizedKeys) {
      // One key per line: a line break inside a key would smuggle in a second, unreviewed key.
      if (/[\u0000-\u001f]/.test(k)) throw new Error(`refusing SSH key ${JSON.stringify(k.slice(0, 40))}: it contains a control character`);
    }
    files.push({ path: AUTHORIZED_KEYS, content: state.ssh.authorizedKeys.map((k) => `${k}\n`).join(''), mode: 0o600 });
  }
  return files;
}
