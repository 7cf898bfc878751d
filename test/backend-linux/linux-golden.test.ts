// Golden files of the Linux backend for every router of the reference network: dnsmasq (main,
// records, leases), nftables, the private nginx main config and bird.conf as written on Debian.
// After an intended change: UPDATE_GOLDEN=1 node test/run-tests.mjs backend-linux/linux-golden
// and review the diff like code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { resolveServiceUpstreams } from '../../agent/slice/resolve-service-upstreams.ts';
import { renderLinuxFiles } from '../../agent/backend/linux/render-linux-files.ts';
import { NGINX_STREAM_MODULE } from '../../agent/backend/linux/linux-paths.ts';

const root = join(import.meta.dirname, '..', '..');
const goldenDir = join(import.meta.dirname, 'golden', 'reference');
const update = process.env.UPDATE_GOLDEN === '1';
const loaded = loadConfig([{ path: 'dlan.yaml', text: readFileSync(join(root, 'examples', 'reference', 'dlan.yaml'), 'utf8') }]);

test('the reference example loads', () => {
  assert.equal(loaded.ok, true, loaded.ok ? '' : JSON.stringify(loaded.diagnostics, null, 2));
});

for (const router of ['r1', 'r2', 'r3', 'r4', 'r5']) {
  test(`golden linux files of ${router}`, () => {
    assert.ok(loaded.ok);
    // As the backend renders it: upstream names resolved (s1 has its static lease 10.2.0.2).
    const state = resolveServiceUpstreams(sliceRouter(loaded.config, router), { 's1.r1.lan': ['10.2.0.2'] });
    const files = renderLinuxFiles(state, { root: '/', nginxStreamModule: NGINX_STREAM_MODULE });
    for (const f of files) {
      const golden = join(goldenDir, router, f.path.replace(/^\//, '').replaceAll('/', '__'));
      if (update) {
        mkdirSync(join(goldenDir, router), { recursive: true });
        writeFileSync(golden, f.content);
        continue;
      }
      assert.ok(existsSync(golden), `missing golden ${golden} (UPDATE_GOLDEN=1 creates it)`);
      assert.equal(f.content, readFileSync(golden, 'utf8'), `${router} ${f.path}`);
    }
  });
}
