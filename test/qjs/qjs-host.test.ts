// The QuickJS host (agent/host/qjs-host.ts) inside a real QuickJS engine, against the std/os
// stand-in backed by the real file system and real processes, must leave the same transcript as
// the node host for the same sequence of calls (test/qjs/host-probe.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createNodeHost, createNodeLog } from '../../agent/host/node-host.ts';
import { runHostProbe, type Transcript } from './host-probe.ts';
import { runQjsModule } from './qjs-engine.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

async function bundleForQjs(entry: string): Promise<string> {
  const r = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['std', 'os', 'qjs:std', 'qjs:os'],
    logLevel: 'silent',
  });
  return r.outputFiles[0]!.text;
}

function freshDirs() {
  const base = mkdtempSync(join(tmpdir(), 'dlan-qjs-host-'));
  const dirs = { work: join(base, 'work'), tmp: join(base, 'tmp') };
  for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
  return { base, ...dirs };
}

test('QuickJS host leaves the same transcript as the node host', async () => {
  const code = await bundleForQjs('host-probe-entry.ts');

  const n = freshDirs();
  const q = freshDirs();
  const { mkdirSync } = await import('node:fs');
  for (const d of [n.work, n.tmp, q.work, q.tmp]) mkdirSync(d, { recursive: true });
  const saved = { TMPDIR: process.env.TMPDIR, DLAN_PROBE_VAR: process.env.DLAN_PROBE_VAR };
  try {
    process.env.TMPDIR = n.tmp;
    process.env.DLAN_PROBE_VAR = 'outer value';
    // Through JSON like the QuickJS side's (undefined becomes null).
    const nodeTranscript = JSON.parse(JSON.stringify(await runHostProbe(createNodeHost({ log: createNodeLog({ minLevel: 'error' }) }), n.work))) as Transcript;

    const env = { ...(process.env as Record<string, string>), TMPDIR: q.tmp, DLAN_PROBE_VAR: 'outer value' };
    const r = await runQjsModule(code, join(here, 'host-probe-entry.js'), { args: [q.work], env });
    assert.equal(r.uncaught, undefined, r.uncaught);
    assert.equal(r.exitCode, 0, r.stderr);
    const qjsTranscript = JSON.parse(r.stdout) as Transcript;

    // Step by step, so a failure names the call that differs.
    assert.deepEqual(qjsTranscript.map(([name]) => name), nodeTranscript.map(([name]) => name));
    for (let i = 0; i < nodeTranscript.length; i++) {
      assert.deepEqual(qjsTranscript[i], nodeTranscript[i], `step ${nodeTranscript[i]![0]}`);
    }
    // Spot checks that the transcript holds real behaviour (so equal-but-wrong cannot pass).
    const get = (name: string) => nodeTranscript.find(([s]) => s === name)?.[1];
    assert.equal(get('read back'), 'héllo\nwörld ✓\n');
    assert.deepEqual(get('stat after mode write'), { isDirectory: false, size: 6, mode: '600', mtimeIsRecent: true });
    assert.deepEqual(get('list (sorted, no temp files left)'), ['b', 'empty', 'run.sh']);
    assert.deepEqual(get('exec timeout kills with 124'), { code: 124, fast: true });
    // The way a fetch is stopped when it outgrows max_repo_mb: asked until it says so, then killed.
    assert.deepEqual(get('exec abortWhen kills with 124 once it answers true'), { code: 124, asked: 2 });
    assert.deepEqual(get('exec cat []'), { code: 0, stdout: '', stderr: '' });
    assert.deepEqual(get('exec dlan-no-such-program ["arg"]'), { code: 127, stdout: '', stderr: true });
    assert.deepEqual(readdirSync(q.tmp), [], 'the QuickJS host left temp files behind');

    // The log line format is the node host's.
    assert.match(r.stderr, /^dlan-agent: info: probe start dir="x y" n=1 ok=true\ndlan-agent: debug: debug line\n/);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(n.base, { recursive: true, force: true });
    rmSync(q.base, { recursive: true, force: true });
  }
});
