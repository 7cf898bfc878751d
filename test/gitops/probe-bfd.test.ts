// birdc exits 1 with "There is no BFD protocol running" when no link uses BFD: that is "no
// sessions", not "bird is not answering".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeBfd } from '../../agent/gitops/probes/probe-bird.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import type { Host } from '../../agent/host/host.ts';

function hostAnswering(code: number, stdout: string): Host {
  return { ...createNodeHost(), exec: async () => ({ code, stdout, stderr: '' }) };
}

test('no BFD protocol in bird: available, no sessions', async () => {
  const p = await probeBfd(hostAnswering(1, 'BIRD 2.0.12 ready.\nThere is no BFD protocol running\n'), null, 1000);
  assert.deepEqual(p, { available: true, value: [] });
});

test('bird down: unknown, with the reason', async () => {
  const p = await probeBfd(hostAnswering(1, 'Unable to connect to server control socket (/run/bird/bird.ctl): No such file or directory\n'), null, 1000);
  assert.deepEqual(p, { available: false, reason: 'bird is not answering' });
});
