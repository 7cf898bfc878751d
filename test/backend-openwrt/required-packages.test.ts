// nginx (stream) and dnsmasq-full are optional dependencies of the package: `plan`/`apply` say
// clearly when this router's slice needs one that is not installed, reading the apk or opkg
// database as `apk info -e` / `opkg status` do (providers count). r4 exposes services, r1 has a
// LAN with IPv6 and DHCP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStockRoot, referenceConfig, runAgent, seedKey, useUciDouble } from './support/openwrt-root.ts';

useUciDouble();
const config = referenceConfig();

async function plan(router: string, db: { apk?: string; opkg?: string }) {
  const root = makeStockRoot();
  seedKey(root, router);
  if (db.apk !== undefined) {
    mkdirSync(join(root, 'lib/apk/db'), { recursive: true });
    writeFileSync(join(root, 'lib/apk/db/installed'), db.apk);
  }
  if (db.opkg !== undefined) {
    mkdirSync(join(root, 'usr/lib/opkg'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/opkg/status'), db.opkg);
  }
  const r = await runAgent(['plan', '--config', config, '--router', router, '--root', root]);
  assert.equal(r.code, 2, `plan exits 2 when there are changes: ${r.stderr}${r.logs.join('\n')}`);
  return r.logs.filter((l) => l.includes('not installed'));
}

const apkDb = (...pkgs: [string, string?][]) => pkgs.map(([p, provides]) => `C:Q1abc=\nP:${p}\nV:1.0-r1\n${provides ? `p:${provides}\n` : ''}`).join('\n');
const opkgDb = (...pkgs: [string, string, string?][]) =>
  pkgs.map(([p, status, provides]) => `Package: ${p}\nVersion: 1.0-1\n${provides ? `Provides: ${provides}\n` : ''}Status: ${status}\nArchitecture: all\n`).join('\n');

test('apk router exposing services without nginx-mod-stream: plan names the package, why, and `apk add`', async () => {
  const warns = await plan('r4', { apk: apkDb(['busybox'], ['nginx-ssl', 'nginx=1.26.3-r1']) });
  assert.equal(warns.length, 1, warns.join('\n'));
  assert.match(warns[0]!, /^warn: packages this router's slice needs are not installed: nginx-mod-stream \(exposed services go through nginx stream\); install with: apk add nginx-mod-stream$/);
});

test('opkg router with an IPv6 LAN and plain dnsmasq: dnsmasq-full is named, with `opkg install`; removed packages do not count', async () => {
  const warns = await plan('r1', { opkg: opkgDb(['dnsmasq', 'install user installed'], ['dnsmasq-full', 'deinstall ok not-installed']) });
  assert.equal(warns.length, 1, warns.join('\n'));
  assert.match(warns[0]!, /dnsmasq-full \(a LAN has IPv6: dnsmasq serves DHCPv6 and RA \(it replaces dnsmasq\)\); install with: opkg update && opkg install dnsmasq-full$/);
});

test('everything the slice needs installed (or provided), or no package database at all: no warning', async () => {
  assert.deepEqual(await plan('r4', { apk: apkDb(['nginx-full', 'nginx=1.26.3-r1'], ['nginx-mod-stream']) }), []);
  assert.deepEqual(await plan('r1', { opkg: opkgDb(['dnsmasq-full', 'install user installed', 'dnsmasq']) }), []);
  assert.deepEqual(await plan('r4', {}), []);
  assert.deepEqual(await plan('r1', {}), []);
});
