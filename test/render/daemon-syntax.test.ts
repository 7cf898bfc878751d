// The rendered daemon files are checked by the real daemons' own parsers: `bird -p` and `nginx -t`
// (with the stream module loaded), for every router of every example. CI installs bird2, nginx and
// libnginx-mod-stream; a missing binary fails the test rather than skipping it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import { renderBirdConf } from '../../agent/render/bird/render-bird-conf.ts';
import { renderNginxStatusServer, renderNginxStreamConf } from '../../agent/render/nginx/render-nginx-stream.ts';
import { resolveServiceUpstreams, upstreamNames } from '../../agent/slice/resolve-service-upstreams.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';

const root = join(import.meta.dirname, '..', '..');
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

for (const example of readdirSync(join(root, 'examples')).sort()) {
  const loaded = loadConfig([{ path: 'dlan.yaml', text: readFileSync(join(root, 'examples', example, 'dlan.yaml'), 'utf8') }]);
  if (!loaded.ok) throw new Error(`${example} invalid`);
  for (const r of loaded.config.routers) {
    test(`${example}/${r.name}: bird -p and nginx -t accept the rendered files`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'dlan-syntax-'));
      try {
        let state = sliceRouter(loaded.config, r.name);
        // Every name resolves to a documentation address, as the agent would render it.
        state = resolveServiceUpstreams(state, Object.fromEntries(upstreamNames(state).map((n) => [n, ['192.0.2.10']])));
        writeFileSync(join(dir, 'bird.conf'), renderBirdConf(state));
        const bird = spawnSync('bird', ['-p', '-c', join(dir, 'bird.conf')], { encoding: 'utf8' });
        assert.equal(bird.status, 0, `bird -p: ${bird.stderr}${bird.error ?? ''}`);
        writeFileSync(join(dir, 'stream.conf'), renderNginxStreamConf(state));
        const status = renderNginxStatusServer(state);
        writeFileSync(join(dir, 'status.conf'), status ?? '');
        writeFileSync(
          join(dir, 'nginx.conf'),
          `load_module ${STREAM_MODULE};\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\ninclude ${dir}/stream.conf;\nhttp {\n\taccess_log off;\n\tinclude ${dir}/status.conf;\n}\n`,
        );
        const nginx = spawnSync('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
        assert.equal(nginx.status, 0, `nginx -t: ${nginx.stderr}${nginx.error ?? ''}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}
