// One variant as an apk-tools v3 package (.apk, the ADB format OpenWrt 25.12's `apk add` reads),
// made without apk-tools. Learnt from apk-tools' doc/apk-v3.5.scd, src/adb.h, src/adb.c,
// src/apk_adb.h, src/apk_adb.c, src/app_mkpkg.c, src/extract_v3.c and src/adb_comp.c, and from
// OpenWrt's include/package-pack.mk (what `apk mkpkg` is given there); nothing copied.
//
// File layout:
//   "ADBd" + raw deflate (fixed level) of:
//     "ADB." + schema "pckg"                         file header
//     block ADB  (type 0): the package database       (u32 type<<30 | 4+length, bytes, 0-pad to 8)
//     block SIG  (type 1): with --sign only, see apk-sign.ts
//     block DATA (type 2): per non-empty file, in path/file order: u32 path index, u32 file index
//                          (1-based, into the sorted arrays below), then the file's bytes
// Package object (schema_package): 1 info, 2 paths, 3 scripts.
//   info (schema_pkginfo): 1 name, 2 version, 3 hashes (unique id: the first 20 bytes of the
//     sha256 of the database written with zeros there, as mkpkg does), 4 description, 5 arch,
//     6 license, 7 origin, 8 maintainer, 9 url, 12 installed-size, 14 provider-priority,
//     15 depends, 16 provides (arrays of dependency objects: 1 name, 2 version, 3 match; match
//     left out means "=")
//   paths: directories sorted by name (no leading "/", the root is the unnamed first one), each
//     1 name, 2 acl (1 mode, 2 user, 3 group), 3 files sorted by name, each 1 name, 2 acl,
//     3 size, 4 mtime, 5 hash (sha256, 32 bytes)
//   scripts (schema_scripts): 3 post-install, 4 pre-deinstall, 7 post-upgrade
//
// OpenWrt's package-pack.mk also puts into the files: lib/apk/packages/<name>.list (every file,
// sorted, as `/path`; default_postinst/default_prerm find the init script and uci-defaults there),
// <name>.conffiles (the conffiles define) and <name>.conffiles_static (`path sha256`), and wraps
// the package's postinst/prerm into post-install / post-upgrade / pre-deinstall.
import { createHash, type KeyObject } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { PackageFile, PackageSpec } from '../package-spec.ts';
import type { BuiltPackage } from '../package-ipk.ts';
import { ADB_NULL, AdbWriter, type AdbValue } from './adb-writer.ts';
import { signatureBlock } from './apk-sign.ts';

/** apk's schema id of a package, "pckg" as a little-endian u32. */
const SCHEMA_PACKAGE = 'pckg';
const BLOCK_ADB = 0;
const BLOCK_SIG = 1;
const BLOCK_DATA = 2;
/** Fixed, so two builds from the same input are the same bytes. */
export const DEFLATE_LEVEL = 9;

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

/** The version in apk's form: 0.1.0-r1. */
export const apkVersion = (spec: PackageSpec) => `${spec.version}-r${spec.release}`;

/** package-pack.mk drops every line that starts a shebang when it inlines a script. */
const withoutShebang = (script: string) =>
  script
    .split('\n')
    .filter((l) => !/^\s*#!/.test(l))
    .join('\n');

/** post-install, post-upgrade and pre-deinstall as package-pack.mk writes them for apk. */
export function apkScripts(spec: PackageSpec): { postInstall: string; postUpgrade: string; preDeinstall: string } {
  const postInstall =
    '#!/bin/sh\n' +
    '[ "${IPKG_NO_SCRIPT}" = "1" ] && exit 0\n' +
    '[ -s ${IPKG_INSTROOT}/lib/functions.sh ] || exit 0\n' +
    '. ${IPKG_INSTROOT}/lib/functions.sh\n' +
    'export root="${IPKG_INSTROOT}"\n' +
    `export pkgname="${spec.name}"\n` +
    'add_group_and_user\n' +
    'default_postinst\n' +
    withoutShebang(spec.postinst);
  const postUpgrade = '#!/bin/sh\nexport PKG_UPGRADE=1\n' + withoutShebang(postInstall);
  const preDeinstall =
    '#!/bin/sh\n' +
    '[ -s ${IPKG_INSTROOT}/lib/functions.sh ] || exit 0\n' +
    '. ${IPKG_INSTROOT}/lib/functions.sh\n' +
    'export root="${IPKG_INSTROOT}"\n' +
    `export pkgname="${spec.name}"\n` +
    'default_prerm\n' +
    withoutShebang(spec.prerm);
  return { postInstall, postUpgrade, preDeinstall };
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The package's files plus the lib/apk/packages/<name>.* files OpenWrt's build adds. */
export function apkFiles(spec: PackageSpec): PackageFile[] {
  const dir = `/lib/apk/packages/${spec.name}`;
  // The list is made before the conffiles files are moved in, so it names neither them nor itself.
  const list = spec.files.map((f) => f.path).sort(byBytes);
  const present = spec.conffiles.filter((c) => spec.files.some((f) => f.path === c));
  const contentOf = (p: string) => spec.files.find((f) => f.path === p)!.content;
  return [
    ...spec.files,
    { path: `${dir}.list`, mode: 0o644, content: Buffer.from(`${list.join('\n')}\n`) },
    { path: `${dir}.conffiles`, mode: 0o644, content: Buffer.from(`${spec.conffiles.join('\n')}\n`) },
    { path: `${dir}.conffiles_static`, mode: 0o644, content: Buffer.from(present.map((p) => `${p} ${sha256(contentOf(p)).toString('hex')}\n`).join('')) },
  ];
}

interface Dir {
  name: string;
  files: { name: string; file: PackageFile }[];
}

/** Every directory (the root included) with its files, both sorted by name as apk sorts them. */
function directories(files: PackageFile[]): Dir[] {
  const dirs = new Map<string, Dir>([['', { name: '', files: [] }]]);
  for (const file of files) {
    const parts = file.path.replace(/^\//, '').split('/');
    for (let i = 1; i < parts.length; i++) {
      const name = parts.slice(0, i).join('/');
      if (!dirs.has(name)) dirs.set(name, { name, files: [] });
    }
    dirs.get(parts.slice(0, -1).join('/'))!.files.push({ name: parts[parts.length - 1]!, file });
  }
  const out = [...dirs.values()].sort((a, b) => byBytes(a.name, b.name));
  for (const d of out) d.files.sort((a, b) => byBytes(a.name, b.name));
  return out;
}

function block(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(((type << 30) >>> 0) + 4 + payload.length);
  const raw = 4 + payload.length;
  return Buffer.concat([head, payload, Buffer.alloc((8 - (raw % 8)) % 8)]);
}

/** The .apk bytes of one variant; every file's mtime is `mtime`; signed when given a key. */
export function buildApk(spec: PackageSpec, mtime: number, signKey?: KeyObject): BuiltPackage {
  const files = apkFiles(spec);
  const dirs = directories(files);
  const w = new AdbWriter();
  const acl = (mode: number) => w.object({ 1: w.int(mode), 2: w.blob('root'), 3: w.blob('root') });
  const dependencies = (names: string[]) =>
    w.array(
      [...new Set(names)].sort(byBytes).map((d) => {
        const eq = d.indexOf('=');
        return eq < 0 ? w.object({ 1: w.blob(d) }) : w.object({ 1: w.blob(d.slice(0, eq)), 2: w.blob(d.slice(eq + 1)) });
      }),
    );

  const version = apkVersion(spec);
  const uniqueId = w.blob(Buffer.alloc(20), true);
  const installedSize = files.reduce((n, f) => n + f.content.length, 0) || 1;
  const info: Record<number, AdbValue> = {
    1: w.blob(spec.name),
    2: w.blob(version),
    3: uniqueId,
    4: w.blob(spec.description.join(' ')),
    5: w.blob('noarch'),
    6: w.blob(spec.license),
    7: w.blob(spec.name),
    8: w.blob(spec.maintainer),
    9: w.blob(spec.url),
    12: w.int(installedSize),
    14: spec.defaultVariant ? w.int(100) : ADB_NULL,
    15: dependencies(spec.depends),
    // Versioned, like package-pack.mk's FormatProvides: one provider of dlan-agent-any at a time.
    16: dependencies(spec.provides.map((p) => `${p}=${version}`)),
  };
  const paths = w.array(
    dirs.map((d) =>
      w.object({
        1: w.blob(d.name),
        2: acl(0o755),
        3: w.array(
          d.files.map(({ name, file }) =>
            w.object({ 1: w.blob(name), 2: acl(file.mode), 3: w.int(file.content.length), 4: w.int(mtime), 5: w.blob(sha256(file.content)) }),
          ),
        ),
      }),
    ),
  );
  const s = apkScripts(spec);
  const scripts = w.object({ 3: w.blob(s.postInstall), 4: w.blob(s.preDeinstall), 7: w.blob(s.postUpgrade) });
  const heap = w.finish(w.object({ 1: w.object(info), 2: paths, 3: scripts }));
  sha256(heap).copy(heap, AdbWriter.blobBytesAt(uniqueId), 0, 20);

  const data: Buffer[] = [];
  dirs.forEach((d, i) =>
    d.files.forEach(({ file }, j) => {
      if (file.content.length === 0) return;
      const idx = Buffer.alloc(8);
      idx.writeUInt32LE(i + 1, 0);
      idx.writeUInt32LE(j + 1, 4);
      data.push(block(BLOCK_DATA, Buffer.concat([idx, file.content])));
    }),
  );
  const sig = signKey ? [block(BLOCK_SIG, signatureBlock(heap, SCHEMA_PACKAGE, signKey))] : [];
  const stream = Buffer.concat([Buffer.from(`ADB.${SCHEMA_PACKAGE}`, 'latin1'), block(BLOCK_ADB, heap), ...sig, ...data]);
  const bytes = Buffer.concat([Buffer.from('ADBd', 'latin1'), deflateRawSync(stream, { level: DEFLATE_LEVEL })]);
  return { fileName: `${spec.name}-${version}.apk`, bytes };
}
