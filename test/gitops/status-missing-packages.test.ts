// `dlan-agent status` lists an optional package this router's applied slice needs and the package
// database says is missing (here dnsmasq-full for a LAN with IPv6), with the install command,
// and the router is degraded; with the package installed the problem is gone.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigRepo } from './support/config-repo.ts';
import { fakeBackend } from './support/fake-backend.ts';
import { Router, soloConfig } from './support/harness.ts';

test('status names a missing dnsmasq-full for an IPv6 LAN, and stops once it is installed', { timeout: 60_000 }, async () => {
  const repo = new ConfigRepo();
  repo.commit('first', { 'dlan.yaml': soloConfig().replace('ipv4: 192.168.50.0/24 }', 'ipv4: 192.168.50.0/24, ipv6: "fd50:1:2::/64" }') });
  const r = new Router(fakeBackend());
  assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo')).code, 0);
  assert.equal((await r.cli('sync')).code, 0);
  mkdirSync(join(r.root, 'lib/apk/db'), { recursive: true });
  writeFileSync(join(r.root, 'lib/apk/db/installed'), 'P:dnsmasq\nV:2.90-r4\n');
  const missing = JSON.parse((await r.cli('status', '--json')).stdout);
  const problem = (missing.problems as string[]).find((p) => p.includes('not installed'));
  assert.ok(problem, missing.problems.join('\n'));
  assert.match(problem, /dnsmasq-full .*install with: apk add dnsmasq-full$/);
  assert.notEqual(missing.health, 'healthy');

  writeFileSync(join(r.root, 'lib/apk/db/installed'), 'P:dnsmasq-full\nV:2.90-r4\np:dnsmasq=2.90-r4\n');
  const fixed = JSON.parse((await r.cli('status', '--json')).stdout);
  assert.ok(!(fixed.problems as string[]).some((p) => p.includes('not installed')), fixed.problems.join('\n'));
});
