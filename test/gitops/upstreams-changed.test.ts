// Exposures follow DNS: when a service upstream name answers differently, the next sync of the
// same commit rewrites the nginx config with the new address — and reports it as "upstreams
// changed" (info), not as drift (someone changed the router). A hand edit of the same file is
// still drift. The router's resolver is played by a `getent` on PATH (test/support/fake-resolver.ts).
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { NGINX_STREAM_FILE } from '../../agent/backend/openwrt/render/render-files.ts';
import { changedAnswers } from '../../agent/gitops/cycle/drift-phase.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { Router, soloConfig } from './support/harness.ts';
import { fakeResolver } from '../support/fake-resolver.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const uciDouble = join(repoRoot, 'dist', 'uci-double.js');
const stock = join(repoRoot, '..', 'shared', 'openwrt-stock', 'etc');

test('changedAnswers lists the names whose answer moved, and nothing on a first run', () => {
  assert.deepEqual(changedAnswers(null, { a: ['10.0.0.1'] }), []);
  assert.deepEqual(changedAnswers({ a: ['10.0.0.1'] }, undefined), []);
  assert.deepEqual(changedAnswers({ a: ['10.0.0.1'], b: [] }, { a: ['10.0.0.1'], b: [] }), []);
  assert.deepEqual(changedAnswers({ a: ['10.0.0.1'], b: [] }, { a: ['10.0.0.2'], b: ['10.0.0.3'] }), ['a: 10.0.0.1 → 10.0.0.2', 'b: unresolved → 10.0.0.3']);
  assert.deepEqual(changedAnswers({ a: ['10.0.0.1'] }, { a: ['10.0.0.1'], c: ['10.0.0.9'] }), [], 'a name new in the config is not a change of answer');
});

test('a moved upstream answer rewrites nginx and is reported as upstreams changed, a hand edit as drift', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(uciDouble), `${uciDouble} is missing: run \`npm run build\` first`);
  process.env.DLAN_UCI = `${process.execPath} ${uciDouble}`;
  const resolver = fakeResolver();
  resolver.setAnswer('web.example.test', '192.168.50.10');
  try {
    const r = new Router(openwrtBackend);
    cpSync(stock, join(r.root, 'etc'), { recursive: true });
    writeFileSync(join(r.root, 'etc/openwrt_release'), "DISTRIB_ID='OpenWrt'\n");
    const repo = new ConfigRepo();
    const init = await r.cli('init', '--repo', repo.url, '--router', 'solo', '--confirm-timeout', '5');
    assert.equal(init.code, 0, init.stderr);
    const pub = /public_key: (\S+)/.exec(init.stdout)![1]!;
    const config = `${soloConfig('192.168.50.0/24', pub)}services:\n  - { name: web, routers: [solo], listen: ["8080"], upstreams: ["web.example.test:80"] }\n`;
    const sha = repo.commit('web', { 'dlan.yaml': config });

    const s1 = await r.cli('sync');
    assert.equal(s1.code, 0, `${s1.stdout}${s1.logs.join('\n')}`);
    const streamPath = join(r.root, NGINX_STREAM_FILE);
    assert.match(readFileSync(streamPath, 'utf8'), /server 192\.168\.50\.10:80;/);
    assert.deepEqual(JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8')).upstreamAnswers, { 'web.example.test': ['192.168.50.10'] });

    // Same commit, nothing changed: unchanged.
    assert.match((await r.cli('sync')).stdout, /^unchanged/);

    // The name moves: the next sync of the same commit follows it.
    resolver.setAnswer('web.example.test', '192.168.50.11');
    const s3 = await r.cli('sync');
    assert.equal(s3.code, 0, s3.stdout);
    assert.match(s3.stdout, /^upstreams-updated: nginx follows changed upstream answers/);
    const stream = readFileSync(streamPath, 'utf8');
    assert.match(stream, /server 192\.168\.50\.11:80;/);
    assert.doesNotMatch(stream, /192\.168\.50\.10/);
    assert.ok(s3.logs.some((l) => l.startsWith('info: upstreams changed: web.example.test: 192.168.50.10 → 192.168.50.11')), s3.logs.join('\n'));
    assert.ok(!s3.logs.some((l) => /drift: \d+ owned item/.test(l)), 'not reported as drift');
    const st = JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8'));
    assert.equal(st.drift.cause, 'upstreams');
    assert.deepEqual(st.drift.upstreams, ['web.example.test: 192.168.50.10 → 192.168.50.11']);
    assert.deepEqual(st.upstreamAnswers, { 'web.example.test': ['192.168.50.11'] });
    assert.equal(st.applied.sha, sha);
    assert.match((await r.cli('status')).stdout, /upstreams changed .*web\.example\.test: 192\.168\.50\.10 → 192\.168\.50\.11/);

    // A hand edit of the same file, DNS unchanged: drift.
    writeFileSync(streamPath, stream.replace('192.168.50.11', '192.168.50.99'));
    const s4 = await r.cli('sync');
    assert.match(s4.stdout, /^drift-corrected/);
    assert.equal(readFileSync(streamPath, 'utf8'), stream);
    assert.ok(s4.logs.some((l) => /drift: \d+ owned item/.test(l)), s4.logs.join('\n'));
    assert.equal(JSON.parse(readFileSync(join(r.root, 'etc/dlan/state.json'), 'utf8')).drift.cause, 'drift');
  } finally {
    delete process.env.DLAN_UCI;
  }
});

