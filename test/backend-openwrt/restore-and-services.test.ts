// Snapshots and restore, the odhcpd takeover for DHCPv6, and the daemon checks of rendered files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApplyResult } from '../../agent/backend/backend.ts';
import { checkRenderedFiles, FileCheckError } from '../../agent/backend/openwrt/apply/check-files.ts';
import { planServiceActions } from '../../agent/backend/openwrt/plan/procd-service-rules.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { makeStockRoot, referenceConfig, runAgent, seedKey, tempDir, treeState, useUciDoubleDirectly } from './support/openwrt-root.ts';

useUciDoubleDirectly();
const RESULT = (rel: string) => rel.startsWith('etc/dlan/snapshots') || rel.startsWith('etc/dlan/check') || rel.startsWith('tmp/');
const contents = (m: ReturnType<typeof treeState>) => new Map([...m].map(([k, v]) => [k, v.content]));

test('restore puts back the files of the last snapshot and reloads what they change', async () => {
  const root = makeStockRoot();
  seedKey(root, 'r2');
  assert.equal((await runAgent(['apply', '--config', referenceConfig(), '--router', 'r2', '--root', root])).code, 0);
  const good = contents(treeState(root, RESULT));
  const r = await runAgent(['apply', '--config', referenceConfig((y) => y.replace('cost: 5', 'cost: 9').replace('ssh_from_wan: true', 'ssh_from_wan: false')), '--router', 'r2', '--root', root, '--json']);
  const applied = JSON.parse(r.stdout) as ApplyResult;
  assert.ok(applied.snapshot);
  assert.notDeepEqual(contents(treeState(root, RESULT)), good);
  const restored = await runAgent(['restore', '--root', root]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.deepEqual(contents(treeState(root, RESULT)), good, 'every file is back, the ledger included');
  assert.match(restored.stdout, /firewall reload/);
  assert.match(restored.stdout, /birdc configure/);
  assert.doesNotMatch(restored.stdout, /network reload/);
  const again = await runAgent(['plan', '--config', referenceConfig(), '--router', 'r2', '--root', root]);
  assert.equal(again.code, 0, 'after restore the router matches the config it was applied from');
  assert.equal((await runAgent(['restore', '--root', root, '--snapshot', 'nope'])).code, 1);
});

/** A stock root for r1 with odhcpd installed and enabled, and a package database file. */
function r1WithOdhcpd(dbFile: string, db: string): string {
  const root = makeStockRoot();
  seedKey(root, 'r1');
  mkdirSync(join(root, 'etc', 'init.d'), { recursive: true });
  mkdirSync(join(root, 'etc', 'rc.d'), { recursive: true });
  writeFileSync(join(root, 'etc', 'init.d', 'odhcpd'), '#!/bin/sh\n');
  writeFileSync(join(root, 'etc', 'rc.d', 'S35odhcpd'), '');
  mkdirSync(dirname(join(root, dbFile)), { recursive: true });
  writeFileSync(join(root, dbFile), db);
  return root;
}

test('DHCPv6 from dnsmasq: odhcpd is disabled when enabled, and enabled again by uninstall', async () => {
  const root = r1WithOdhcpd('usr/lib/opkg/status', 'Package: dnsmasq-full\nVersion: 2.90-1\nProvides: dnsmasq\nStatus: install user installed\n');
  const r = await runAgent(['apply', '--config', referenceConfig(), '--router', 'r1', '--root', root, '--json']);
  const result = JSON.parse(r.stdout) as ApplyResult;
  const argv = result.actions.map((a) => a.argv.join(' '));
  assert.deepEqual(argv.slice(argv.indexOf('/etc/init.d/odhcpd disable'), argv.indexOf('/etc/init.d/dnsmasq reload') + 1), ['/etc/init.d/odhcpd disable', '/etc/init.d/odhcpd stop', '/etc/init.d/dnsmasq reload']);
  assert.ok(!r.logs.some((l) => /not installed/.test(l)), r.logs.join('\n'));
  assert.equal(JSON.parse(readFileSync(join(root, 'etc', 'dlan', 'ledger.json'), 'utf8')).openwrt.odhcpdDisabled, true);
  // What `/etc/init.d/odhcpd disable` would have done:
  rmSync(join(root, 'etc', 'rc.d', 'S35odhcpd'));
  const un = await runAgent(['uninstall', '--root', root]);
  assert.match(un.stdout, /odhcpd enable: \/etc\/init\.d\/odhcpd enable/);
  assert.match(un.stdout, /odhcpd start/);
});

test('DHCPv6 with the plain dnsmasq package (no DHCPv6 in it): odhcpd keeps serving RA, dnsmasq-full is named; once it was disabled, it is enabled again', async () => {
  const root = r1WithOdhcpd('lib/apk/db/installed', 'P:dnsmasq\nV:2.90-r4\n\nP:odhcpd-ipv6only\nV:2024-r1\n');
  const r = await runAgent(['apply', '--config', referenceConfig(), '--router', 'r1', '--root', root, '--json']);
  const argv = (JSON.parse(r.stdout) as ApplyResult).actions.map((a) => a.argv.join(' '));
  assert.ok(!argv.some((a) => a.includes('odhcpd')), argv.join('\n'));
  assert.ok(r.logs.some((l) => /dnsmasq-full .*apk add dnsmasq-full/.test(l)), r.logs.join('\n'));
  assert.equal(JSON.parse(readFileSync(join(root, 'etc', 'dlan', 'ledger.json'), 'utf8')).openwrt.odhcpdDisabled, false);

  // A router where an apply had disabled odhcpd, and dnsmasq-full has gone since: odhcpd comes back.
  const ledger = JSON.parse(readFileSync(join(root, 'etc', 'dlan', 'ledger.json'), 'utf8'));
  writeFileSync(join(root, 'etc', 'dlan', 'ledger.json'), `${JSON.stringify({ ...ledger, openwrt: { ...ledger.openwrt, odhcpdDisabled: true } }, null, 2)}\n`);
  rmSync(join(root, 'etc', 'rc.d', 'S35odhcpd'));
  const back = await runAgent(['apply', '--config', referenceConfig(), '--router', 'r1', '--root', root, '--json']);
  const backArgv = (JSON.parse(back.stdout) as ApplyResult).actions.map((a) => a.argv.join(' '));
  assert.deepEqual(backArgv.filter((a) => a.includes('odhcpd')), ['/etc/init.d/odhcpd enable', '/etc/init.d/odhcpd start']);
});

test('the service planner maps each change to its graceful action, and nothing to nothing', () => {
  const none = planServiceActions({ packages: new Set(), peersChanged: false, wgInterface: 'wg0', files: new Map(), odhcpd: null });
  assert.deepEqual(none, []);
  const all = planServiceActions({
    packages: new Set(['network', 'firewall', 'dhcp', 'system', 'dropbear']),
    peersChanged: true,
    wgInterface: 'wg0',
    files: new Map([
      ['/etc/bird.conf', 'add'],
      ['/etc/nginx/module.d/zz-dlan-stream.module', 'change'],
    ]),
    odhcpd: null,
  });
  assert.deepEqual(
    all.map((a) => a.argv.join(' ')),
    ['/etc/init.d/network reload', 'ifup wg0', 'fw4 check', '/etc/init.d/firewall reload', '/etc/init.d/dnsmasq reload', '/etc/init.d/system reload', '/etc/init.d/dropbear reload', '/etc/init.d/bird restart', '/etc/init.d/nginx reload'],
  );
  const peersOnly = planServiceActions({ packages: new Set(['network']), peersChanged: false, wgInterface: 'wg0', files: new Map([['/etc/bird.conf', 'change']]), odhcpd: null });
  assert.deepEqual(peersOnly.map((a) => a.argv.join(' ')), ['/etc/init.d/network reload', 'birdc configure']);
});

test('bird and nginx check rendered files before they go live', async () => {
  const logs: string[] = [];
  const host = createNodeHost({ log: { log: (_l, m, f) => logs.push(`${m} ${JSON.stringify(f ?? {})}`) } });
  const dir = tempDir('check');
  await assert.rejects(checkRenderedFiles(host, [{ path: '/etc/bird.conf', content: 'protocol ospf v3 {\n', mode: 0o644, check: 'bird' }], dir), FileCheckError);
  await checkRenderedFiles(host, [{ path: '/etc/bird.conf', content: 'router id 10.1.1.1;\nprotocol device {}\n', mode: 0o644, check: 'bird' }], dir);
  const stream = (upstream: string) => `load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nstream {\n\tupstream u {\n\t\tserver ${upstream};\n\t}\n\tserver {\n\t\tlisten 127.0.0.1:18080;\n\t\tproxy_pass u;\n\t}\n}\n`;
  await checkRenderedFiles(host, [{ path: '/x', content: stream('10.0.0.1:80'), mode: 0o644, check: 'nginx-stream' }], dir);
  // The agent resolves upstream names itself: a name that reaches nginx is a rendering fault.
  await assert.rejects(checkRenderedFiles(host, [{ path: '/x', content: stream('s1.r1.lan:80'), mode: 0o644, check: 'nginx-stream' }], dir), /nginx rejects/);
  await assert.rejects(checkRenderedFiles(host, [{ path: '/x', content: stream('10.0.0.1:80').replace('proxy_pass u;', 'proxy_pass u'), mode: 0o644, check: 'nginx-stream' }], dir), /nginx rejects/);
});
