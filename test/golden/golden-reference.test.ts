// Golden tests of the pure core on every example: the desired state, bird.conf and the nginx
// stream config of every router must match the files under test/golden/<example>/<router>/
// byte for byte. After an intended change, regenerate with
//   UPDATE_GOLDEN=1 node test/run-tests.mjs golden
// and review the diff like code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import { renderBirdConf } from '../../agent/render/bird/render-bird-conf.ts';
import { renderNginxStatusServer, renderNginxStreamConf } from '../../agent/render/nginx/render-nginx-stream.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';

const root = join(import.meta.dirname, '..', '..');
const update = process.env.UPDATE_GOLDEN === '1';

function readExample(dir: string) {
  const files = [{ path: 'dlan.yaml', text: readFileSync(join(dir, 'dlan.yaml'), 'utf8') }];
  const routersDir = join(dir, 'routers');
  if (existsSync(routersDir)) {
    for (const f of readdirSync(routersDir).sort()) files.push({ path: `routers/${f}`, text: readFileSync(join(routersDir, f), 'utf8') });
  }
  return files;
}

for (const example of readdirSync(join(root, 'examples')).sort()) {
  const loaded = loadConfig(readExample(join(root, 'examples', example)));
  test(`example ${example} is valid`, () => {
    assert.equal(loaded.ok, true, loaded.ok ? '' : JSON.stringify(loaded.diagnostics, null, 2));
  });
  if (!loaded.ok) continue;
  for (const router of loaded.config.routers) {
    test(`golden ${example}/${router.name}`, () => {
      const state = sliceRouter(loaded.config, router.name);
      const outputs: Record<string, string> = {
        'desired-state.json': `${JSON.stringify(state, null, 2)}\n`,
        'bird.conf': renderBirdConf(state),
        'nginx-stream.conf': renderNginxStreamConf(state),
      };
      const status = renderNginxStatusServer(state);
      if (status !== null) outputs['nginx-status.conf'] = status;
      const dir = join(root, 'test', 'golden', example, router.name);
      for (const [name, content] of Object.entries(outputs)) {
        const file = join(dir, name);
        if (update) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(file, content);
        }
        assert.ok(existsSync(file), `missing golden file ${file} (run with UPDATE_GOLDEN=1 once, then review it)`);
        assert.equal(content, readFileSync(file, 'utf8'), `${example}/${router.name}/${name} differs from its golden file`);
      }
      // Determinism: a second computation gives the same bytes.
      assert.equal(JSON.stringify(sliceRouter(loaded.config, router.name)), JSON.stringify(state));
    });
  }
}
