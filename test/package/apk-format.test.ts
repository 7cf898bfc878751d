// The .apk files from `npm run package`, read back with the independent reader in apk-reader.ts
// (written from apk-tools' format description, sharing no code with build/apk/): every info
// field, every file with its mode, owner, size and sha256 against the files the feed Makefile
// installs, the OpenWrt lib/apk/packages files, the scripts as package-pack.mk wraps them, and the
// same bytes from two builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { buildPackages } from '../../build/package.ts';
import { ensureBundles, ROOT } from '../qjs/ensure-bundles.ts';
import { readApk, type ApkDependency, type ApkPackage } from './apk-reader.ts';

ensureBundles();
const MTIME = 1_700_000_000;
const built = buildPackages(ROOT, MTIME);
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const apkVersion = `${version}-r1`;
const file = (name: string) => {
  const p = built.find((b) => b.fileName === name);
  assert.ok(p, `npm run package made no ${name} (made: ${built.map((b) => b.fileName).join(', ')})`);
  return p;
};
const quickjs = readApk(file(`dlan-agent-${apkVersion}.apk`).bytes);
const node = readApk(file(`dlan-agent-node-${apkVersion}.apk`).bytes);
const source = (rel: string) => readFileSync(join(ROOT, rel));
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

const COMMON_DEPENDS = ['bird2', 'bird2c', 'ca-bundle', 'curl', 'git', 'git-http', 'kmod-vxlan', 'kmod-wireguard', 'vxlan', 'wireguard-tools'];

/** The files each variant must hold: router path → [source in the repo, mode]. */
function expectedFiles(bundle: string): Map<string, [string, number]> {
  return new Map<string, [string, number]>([
    ['/etc/config/dlan-agent', ['openwrt-package/files/dlan-agent.config', 0o600]],
    ['/etc/init.d/dlan-agent', ['openwrt-package/files/dlan-agent.init', 0o755]],
    ['/etc/uci-defaults/90-dlan-agent', ['openwrt-package/files/dlan-agent.uci-defaults', 0o755]],
    ['/lib/upgrade/keep.d/dlan-agent', ['openwrt-package/files/dlan-agent.keep', 0o644]],
    ['/usr/bin/dlan-agent', ['openwrt-package/files/dlan-agent.wrapper', 0o755]],
    [`/usr/lib/dlan-agent/${bundle}`, [`dist/${bundle}`, 0o644]],
    ['/usr/share/dlan-agent/cron.sh', ['openwrt-package/files/dlan-agent.cron.sh', 0o644]],
  ]);
}

const cases: [string, ApkPackage, string, string, boolean][] = [
  ['dlan-agent', quickjs, 'dlan-agent.qjs.js', 'quickjs', true],
  ['dlan-agent-node', node, 'dlan-agent.js', 'node', false],
];

for (const [name, pkg, bundle, runtime, isDefault] of cases) {
  test(`${name}.apk: container, schema and blocks`, () => {
    assert.equal(pkg.schema, 'pckg');
    assert.deepEqual(pkg.blocks[0], { type: 0, size: pkg.database.length });
    assert.ok(pkg.blocks.slice(1).every((b) => b.type === 2), 'unsigned: the ADB block, then data blocks');
    assert.equal(pkg.blocks.length - 1, expectedFiles(bundle).size + 3, 'one data block per non-empty file');
  });

  test(`${name}.apk: every info field`, () => {
    const i = pkg.info;
    assert.equal(i.name, name);
    assert.equal(i.version, apkVersion);
    assert.match(apkVersion, /^\d+\.\d+\.\d+-r\d+$/);
    assert.equal(i.arch, 'noarch');
    assert.equal(i.license, 'MIT');
    assert.equal(i.origin, name);
    assert.equal(i.maintainer, 'dlan maintainers <dlan@example.invalid>');
    assert.equal(i.url, 'https://dlan.invalid/');
    assert.match(String(i.description), new RegExp(`^dlan-agent pulls the dlan config repo, .* Runs on ${runtime === 'quickjs' ? 'QuickJS' : 'node'}\\.$`));
    assert.doesNotMatch(String(i.description), /\n/, 'package-pack.mk gives apk a one-line description');
    const depends = i.depends as ApkDependency[];
    assert.deepEqual(depends, [...COMMON_DEPENDS, runtime].sort().map((n) => ({ name: n })));
    assert.ok(depends.every((d) => !/[|@+]/.test(d.name)), 'no OR-dependency and no make syntax');
    for (const optional of ['nginx-ssl', 'nginx-mod-stream', 'dnsmasq-full', 'openssh-keygen']) {
      assert.ok(!depends.some((d) => d.name === optional), `${optional} is optional, not a hard dependency`);
    }
    assert.deepEqual(i.provides, [{ name: 'dlan-agent-any', version: apkVersion }]);
    assert.equal(i['provider-priority'], isDefault ? 100 : undefined);
    const total = [...pkg.contents.values()].reduce((n, c) => n + c.length, 0);
    assert.equal(i['installed-size'], total);
    // The unique id: the first 20 bytes of the sha256 of the database written with zeros there.
    const id = i.hashes as Buffer;
    assert.equal(id.length, 20);
    const at = pkg.database.indexOf(id);
    assert.ok(at > 0);
    const zeroed = Buffer.from(pkg.database);
    zeroed.fill(0, at, at + 20);
    assert.deepEqual(id, sha256(zeroed).subarray(0, 20));
    assert.deepEqual(Object.keys(i).sort(), ['arch', 'depends', 'description', 'hashes', 'installed-size', 'license', 'maintainer', 'name', 'origin', 'provides', 'url', 'version', ...(isDefault ? ['provider-priority'] : [])].sort());
  });

  test(`${name}.apk: every file, its mode, owner root:root, size, mtime and sha256 against the source`, () => {
    const want = expectedFiles(bundle);
    const meta = `/lib/apk/packages/${name}`;
    const seen = new Map<string, number>();
    for (const dir of pkg.paths) {
      assert.deepEqual(dir.acl, { mode: 0o755, user: 'root', group: 'root' }, `directory "${dir.name}"`);
      for (const f of dir.files) {
        const path = `${dir.name ? `/${dir.name}` : ''}/${f.name}`;
        assert.equal(f.acl.user, 'root', path);
        assert.equal(f.acl.group, 'root', path);
        assert.equal(f.mtime, MTIME, path);
        assert.equal(f.hash.length, 32, `${path}: sha256`);
        assert.equal(f.size, pkg.contents.get(path)!.length);
        seen.set(path, f.acl.mode);
      }
    }
    assert.deepEqual([...seen.keys()].sort(), [...want.keys(), `${meta}.conffiles`, `${meta}.conffiles_static`, `${meta}.list`].sort());
    for (const [path, [src, mode]] of want) {
      assert.equal(seen.get(path), mode, `${path} mode`);
      assert.deepEqual(sha256(pkg.contents.get(path)!), sha256(source(src)), `${path} is ${src}`);
    }
    assert.equal([...seen.keys()].some((p) => p.endsWith(runtime === 'quickjs' ? '/dlan-agent.js' : '.qjs.js')), false, 'only its own runtime bundle');
    // Every parent directory is there, the root (unnamed) first.
    assert.equal(pkg.paths[0]!.name, '');
    assert.deepEqual(
      pkg.paths.map((d) => d.name),
      ['', 'etc', 'etc/config', 'etc/init.d', 'etc/uci-defaults', 'lib', 'lib/apk', 'lib/apk/packages', 'lib/upgrade', 'lib/upgrade/keep.d', 'usr', 'usr/bin', 'usr/lib', 'usr/lib/dlan-agent', 'usr/share', 'usr/share/dlan-agent'],
    );
  });

  test(`${name}.apk: lib/apk/packages/${name}.{list,conffiles,conffiles_static} as OpenWrt's build writes them`, () => {
    const meta = `/lib/apk/packages/${name}`;
    for (const suffix of ['list', 'conffiles', 'conffiles_static']) assert.equal(pkg.paths.flatMap((d) => d.files).find((f) => f.name === `${name}.${suffix}`)?.acl.mode, 0o644);
    // Every file, sorted, made before the conffiles files are moved in (so neither they nor the list itself).
    assert.equal(pkg.contents.get(`${meta}.list`)!.toString(), `${[...expectedFiles(bundle).keys()].sort().join('\n')}\n`);
    assert.equal(pkg.contents.get(`${meta}.conffiles`)!.toString(), '/etc/config/dlan-agent\n');
    assert.equal(pkg.contents.get(`${meta}.conffiles_static`)!.toString(), `/etc/config/dlan-agent ${sha256(source('openwrt-package/files/dlan-agent.config')).toString('hex')}\n`);
  });

  test(`${name}.apk: post-install, post-upgrade and pre-deinstall wrapped as package-pack.mk does`, () => {
    assert.deepEqual(Object.keys(pkg.scripts).sort(), ['post-install', 'post-upgrade', 'pre-deinstall']);
    const head = [
      '#!/bin/sh',
      '[ "${IPKG_NO_SCRIPT}" = "1" ] && exit 0',
      '[ -s ${IPKG_INSTROOT}/lib/functions.sh ] || exit 0',
      '. ${IPKG_INSTROOT}/lib/functions.sh',
      'export root="${IPKG_INSTROOT}"',
      `export pkgname="${name}"`,
      'add_group_and_user',
      'default_postinst',
    ].join('\n');
    const post = pkg.scripts['post-install']!;
    assert.ok(post.startsWith(`${head}\n`), post);
    // Then the Makefile's postinst without its shebang ($$ → $).
    assert.match(post, /default_postinst\n# dlan-agent's own postinst/);
    assert.match(post, /uci -q get dlan-agent\.main\.repo/);
    assert.equal(post.match(/^#!/gm)?.length, 1, 'one shebang');
    assert.doesNotMatch(post, /\$\$/);
    assert.equal(pkg.scripts['post-upgrade'], `#!/bin/sh\nexport PKG_UPGRADE=1\n${post.slice('#!/bin/sh\n'.length)}`);
    const pre = pkg.scripts['pre-deinstall']!;
    assert.ok(
      pre.startsWith(['#!/bin/sh', '[ -s ${IPKG_INSTROOT}/lib/functions.sh ] || exit 0', '. ${IPKG_INSTROOT}/lib/functions.sh', 'export root="${IPKG_INSTROOT}"', `export pkgname="${name}"`, 'default_prerm', ''].join('\n')),
      pre,
    );
    assert.match(pre, /\[ "\$\{PKG_UPGRADE\}" = "1" \] && exit 0/);
    const dir = mkdtempSync(join(tmpdir(), 'dlan-apk-scripts-'));
    try {
      for (const [script, body] of Object.entries(pkg.scripts)) {
        writeFileSync(join(dir, script), body);
        const r = spawnSync('sh', ['-n', join(dir, script)], { encoding: 'utf8' });
        assert.equal(r.status, 0, `sh -n ${script}: ${r.stderr}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('reproducible: two builds give the same bytes for all four packages; the time stamp is an input', () => {
  const again = buildPackages(ROOT, MTIME);
  assert.deepEqual(
    again.map((p) => p.fileName),
    [`dlan-agent-${apkVersion}.apk`, `dlan-agent_${version}-1_all.ipk`, `dlan-agent-node-${apkVersion}.apk`, `dlan-agent-node_${version}-1_all.ipk`],
  );
  again.forEach((p, i) => assert.ok(p.bytes.equals(built[i]!.bytes), `${p.fileName} differs between two builds`));
  const other = buildPackages(ROOT, MTIME + 1);
  other.forEach((p, i) => assert.ok(!p.bytes.equals(built[i]!.bytes), `${p.fileName} ignores the time stamp`));
});

test('sizes: the QuickJS packages stay within 160 KB (a router carries only the bundle it runs)', () => {
  for (const p of built) console.log(`${p.fileName}: ${(p.bytes.length / 1024).toFixed(1)} KB`);
  assert.ok(file(`dlan-agent-${apkVersion}.apk`).bytes.length <= 160 * 1024);
  assert.ok(file(`dlan-agent_${version}-1_all.ipk`).bytes.length <= 160 * 1024);
});

test('the reader is strict: a flipped byte in a file, a wrong block order or a bad magic is refused', () => {
  const good = file(`dlan-agent-${apkVersion}.apk`).bytes;
  assert.throws(() => readApk(Buffer.concat([Buffer.from('ADB.'), good.subarray(4)])), /ADBd/);
  // Corrupt the last file's content inside the inflated stream and re-deflate it.
  const stream = inflateRawSync(good.subarray(4));
  const flipped = Buffer.from(stream);
  flipped[flipped.length - 20]! ^= 0xff;
  assert.throws(() => readApk(Buffer.concat([Buffer.from('ADBd'), deflateRawSync(flipped)])), /does not match its hash|padding/);
});
