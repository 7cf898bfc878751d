// The .ipk from `npm run package`, unpacked with the standard tools: the container opkg-lede reads
// (gzip'd tar, not ar), every member and mode, every control field, the generated wrappers, the
// scripts passing `sh -n`, and the same bytes from the same input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { POSTINST_WRAPPER, PRERM_WRAPPER } from '../../build/package-ipk.ts';
import { buildPackage, parseControl, ROOT, unpack } from './ipk-support.ts';

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const ipk = buildPackage();
const u = unpack(ipk);
process.on('exit', () => rmSync(u.dir, { recursive: true, force: true }));

test('the file name and container: a gzip-compressed tar, not an ar archive', () => {
  assert.equal(ipk.fileName, `dlan-agent_${version}-1_all.ipk`);
  assert.deepEqual([...ipk.bytes.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
  assert.notEqual(ipk.bytes.subarray(0, 7).toString('latin1'), '!<arch>');
  execFileSync('gzip', ['-t', u.file]);
  const outer = gunzipSync(ipk.bytes);
  assert.equal(outer.subarray(257, 265).toString('latin1'), 'ustar  \0', 'GNU tar header magic opkg-lede accepts');
  assert.deepEqual(
    u.list(u.file).map((m) => [m.path, m.perms, m.owner]),
    [
      ['./debian-binary', '-rw-r--r--', '0/0'],
      ['./data.tar.gz', '-rw-r--r--', '0/0'],
      ['./control.tar.gz', '-rw-r--r--', '0/0'],
    ],
  );
  assert.equal(u.read('outer/debian-binary'), '2.0\n');
});

const expectedData: [string, string][] = [
  ['./', 'drwxr-xr-x'],
  ['./etc/', 'drwxr-xr-x'],
  ['./etc/config/', 'drwxr-xr-x'],
  ['./etc/config/dlan-agent', '-rw-------'],
  ['./etc/init.d/', 'drwxr-xr-x'],
  ['./etc/init.d/dlan-agent', '-rwxr-xr-x'],
  ['./etc/uci-defaults/', 'drwxr-xr-x'],
  ['./etc/uci-defaults/90-dlan-agent', '-rwxr-xr-x'],
  ['./lib/', 'drwxr-xr-x'],
  ['./lib/upgrade/', 'drwxr-xr-x'],
  ['./lib/upgrade/keep.d/', 'drwxr-xr-x'],
  ['./lib/upgrade/keep.d/dlan-agent', '-rw-r--r--'],
  ['./usr/', 'drwxr-xr-x'],
  ['./usr/bin/', 'drwxr-xr-x'],
  ['./usr/bin/dlan-agent', '-rwxr-xr-x'],
  ['./usr/lib/', 'drwxr-xr-x'],
  ['./usr/lib/dlan-agent/', 'drwxr-xr-x'],
  ['./usr/lib/dlan-agent/dlan-agent.qjs.js', '-rw-r--r--'],
  ['./usr/share/', 'drwxr-xr-x'],
  ['./usr/share/dlan-agent/', 'drwxr-xr-x'],
  ['./usr/share/dlan-agent/cron.sh', '-rw-r--r--'],
];

test('data.tar.gz: every member, in name order, with its mode, owned by 0/0', () => {
  const members = u.list(join(u.dir, 'outer', 'data.tar.gz'));
  assert.deepEqual(
    members.map((m) => [m.path, m.perms]),
    expectedData,
  );
  assert.ok(members.every((m) => m.owner === '0/0'));
  // The files are the ones the feed Makefile installs, byte for byte.
  const same = (inData: string, source: string) => assert.equal(u.read(`data/${inData}`), readFileSync(join(ROOT, source), 'utf8'), inData);
  same('usr/bin/dlan-agent', 'openwrt-package/files/dlan-agent.wrapper');
  same('etc/init.d/dlan-agent', 'openwrt-package/files/dlan-agent.init');
  same('etc/config/dlan-agent', 'openwrt-package/files/dlan-agent.config');
  same('etc/uci-defaults/90-dlan-agent', 'openwrt-package/files/dlan-agent.uci-defaults');
  same('lib/upgrade/keep.d/dlan-agent', 'openwrt-package/files/dlan-agent.keep');
  same('usr/share/dlan-agent/cron.sh', 'openwrt-package/files/dlan-agent.cron.sh');
  same('usr/lib/dlan-agent/dlan-agent.qjs.js', 'dist/dlan-agent.qjs.js');
  assert.match(u.read('data/lib/upgrade/keep.d/dlan-agent'), /^\/etc\/dlan\/$/m, 'state and keys survive sysupgrade');
});

test('control.tar.gz: members, modes, wrappers generated like package-pack.mk', () => {
  assert.deepEqual(
    u.list(join(u.dir, 'outer', 'control.tar.gz')).map((m) => [m.path, m.perms, m.owner]),
    [
      ['./', 'drwxr-xr-x', '0/0'],
      ['./conffiles', '-rw-r--r--', '0/0'],
      ['./control', '-rw-r--r--', '0/0'],
      ['./postinst', '-rwxr-xr-x', '0/0'],
      ['./postinst-pkg', '-rwxr-xr-x', '0/0'],
      ['./prerm', '-rwxr-xr-x', '0/0'],
      ['./prerm-pkg', '-rwxr-xr-x', '0/0'],
    ],
  );
  assert.equal(u.read('control/postinst'), POSTINST_WRAPPER);
  assert.equal(u.read('control/prerm'), PRERM_WRAPPER);
  assert.match(u.read('control/postinst'), /^#!\/bin\/sh\n\[ "\$\{IPKG_NO_SCRIPT\}" = "1" \] && exit 0\n\[ -s \$\{IPKG_INSTROOT\}\/lib\/functions.sh \] \|\| exit 0\n\. \$\{IPKG_INSTROOT\}\/lib\/functions.sh\ndefault_postinst \$0 \$@\n$/);
  assert.equal(u.read('control/conffiles'), '/etc/config/dlan-agent\n');
  // postinst-pkg/prerm-pkg are the Makefile's scripts with make's $$ turned into $.
  assert.match(u.read('control/prerm-pkg'), /\[ "\$\{PKG_UPGRADE\}" = "1" \] && exit 0/);
  assert.doesNotMatch(u.read('control/postinst-pkg') + u.read('control/prerm-pkg'), /\$\$/);
});

test('control fields, in package-pack.mk order', () => {
  const fields = parseControl(u.read('control/control'));
  const names = fields.map(([k]) => k);
  assert.deepEqual(names, ['Package', 'Version', 'Depends', 'Conflicts', 'Provides', 'License', 'Section', 'URL', 'Maintainer', 'Architecture', 'Installed-Size', 'Description']);
  const f = new Map(fields);
  assert.equal(f.get('Package'), 'dlan-agent');
  assert.match(f.get('Package')!, /^[a-z0-9.+-]+$/);
  assert.equal(f.get('Version'), `${version}-1`);
  assert.equal(f.get('Architecture'), 'all');
  // Only what every router needs, and the QuickJS runtime: no OR-dependency, one package per runtime.
  assert.deepEqual(f.get('Depends')!.split(', '), ['wireguard-tools', 'kmod-wireguard', 'vxlan', 'kmod-vxlan', 'bird2', 'bird2c', 'git', 'git-http', 'ca-bundle', 'curl', 'quickjs']);
  assert.equal(f.get('Provides'), 'dlan-agent-any');
  assert.equal(f.get('Conflicts'), 'dlan-agent-node');
  const dataTarSize = gunzipSync(readFileSync(join(u.dir, 'outer', 'data.tar.gz'))).length;
  assert.equal(f.get('Installed-Size'), String(dataTarSize));
  assert.match(f.get('Description')!, /^dlan GitOps agent.*\n.*QuickJS/s);
});

test('every shell script parses (sh -n, and busybox ash -n as on OpenWrt)', () => {
  const scripts = [
    'data/etc/init.d/dlan-agent',
    'data/etc/uci-defaults/90-dlan-agent',
    'data/usr/bin/dlan-agent',
    'data/usr/share/dlan-agent/cron.sh',
    'control/postinst',
    'control/postinst-pkg',
    'control/prerm',
    'control/prerm-pkg',
  ];
  const hasBusybox = spawnSync('busybox', ['true']).status === 0;
  for (const s of scripts) {
    const path = join(u.dir, s);
    const r = spawnSync('sh', ['-n', path], { encoding: 'utf8' });
    assert.equal(r.status, 0, `sh -n ${s}: ${r.stderr}`);
    if (hasBusybox) {
      const b = spawnSync('busybox', ['ash', '-n', path], { encoding: 'utf8' });
      assert.equal(b.status, 0, `busybox ash -n ${s}: ${b.stderr}`);
    }
  }
  // The init script is a procd service with a reload trigger on its own config.
  const init = u.read('data/etc/init.d/dlan-agent');
  assert.match(init, /^#!\/bin\/sh \/etc\/rc\.common\n/);
  assert.match(init, /^USE_PROCD=1$/m);
  assert.match(init, /procd_set_param respawn/);
  assert.match(init, /procd_add_reload_trigger dlan-agent/);
});

test('reproducible: the same input gives the same bytes; the time stamp is an input', () => {
  const again = buildPackage();
  assert.ok(again.bytes.equals(ipk.bytes), 'two builds from the same input differ');
  const otherTime = buildPackage({ mtime: 1_000_000_000 });
  assert.ok(!otherTime.bytes.equals(ipk.bytes));
  assert.equal(statSync(u.file).size, ipk.bytes.length);
});

test('the node variant: dlan-agent-node_<ver>-1_all.ipk with only the node bundle, depending on node', () => {
  const nodeIpk = buildPackage({ variant: 'dlan-agent-node' });
  const n = unpack(nodeIpk);
  try {
    assert.equal(nodeIpk.fileName, `dlan-agent-node_${version}-1_all.ipk`);
    const paths = n.list(join(n.dir, 'outer', 'data.tar.gz')).map((m) => m.path);
    assert.ok(paths.includes('./usr/lib/dlan-agent/dlan-agent.js'));
    assert.ok(!paths.includes('./usr/lib/dlan-agent/dlan-agent.qjs.js'));
    const f = new Map(parseControl(n.read('control/control')));
    assert.equal(f.get('Package'), 'dlan-agent-node');
    assert.equal(f.get('Title'), undefined);
    assert.deepEqual(f.get('Depends')!.split(', '), ['wireguard-tools', 'kmod-wireguard', 'vxlan', 'kmod-vxlan', 'bird2', 'bird2c', 'git', 'git-http', 'ca-bundle', 'curl', 'node']);
    assert.equal(f.get('Provides'), 'dlan-agent-any');
    assert.equal(f.get('Conflicts'), 'dlan-agent');
    assert.match(f.get('Description')!, /^dlan GitOps agent .*\(node\)\n(.*\n)*.*Runs on node\./);
  } finally {
    rmSync(n.dir, { recursive: true, force: true });
  }
});
