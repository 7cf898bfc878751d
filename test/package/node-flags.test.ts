// One list of node flags (build/node-flags.mjs): the OpenWrt wrapper and the bundle's shebang pass
// exactly that list, and this machine's node takes it silently (a V8 warning would land in every
// log line of every run).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NODE_FLAGS } from '../../build/node-flags.mjs';
import { ensureBundles, NODE_BUNDLE, ROOT } from '../qjs/ensure-bundles.ts';

test('the wrapper and the bundle shebang start node with build/node-flags.mjs, and node takes them without a word', () => {
  ensureBundles();
  const wrapper = readFileSync(join(ROOT, 'openwrt-package', 'files', 'dlan-agent.wrapper'), 'utf8');
  const execLine = /exec node (.*) "\$dir\/dlan-agent\.js" "\$@"/.exec(wrapper);
  assert.ok(execLine, 'the wrapper execs node on the bundle');
  assert.deepEqual(execLine[1]!.split(' '), NODE_FLAGS);
  const shebang = readFileSync(NODE_BUNDLE, 'utf8').split('\n', 1)[0]!;
  assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
  const r = spawnSync(process.execPath, [...NODE_FLAGS, NODE_BUNDLE, '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no V8 warning on start');
  // Run as a program, as systemd and cron do: the shebang's `env -S` must split the flags.
  const direct = spawnSync(NODE_BUNDLE, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}` } });
  assert.equal(direct.status, 0, direct.stderr);
  assert.equal(direct.stderr, '');
  assert.match(direct.stdout, /^dlan-agent \d+\.\d+\.\d+/);
});
