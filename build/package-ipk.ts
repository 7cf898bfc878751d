// The .ipk of one variant for opkg (OpenWrt ≤ 24.10), without the OpenWrt SDK, reproducibly.
//
// Format (openwrt/openwrt scripts/ipkg-build, include/package-pack.mk; opkg-lede reads it with
// `gzip -d` + a tar parser, so NOT an `ar` archive): a gzip'd GNU tar holding, in this order,
// ./debian-binary ("2.0\n"), ./data.tar.gz (the files, uid/gid 0, real modes) and ./control.tar.gz
// (control, conffiles, the generated postinst/prerm wrappers, postinst-pkg/prerm-pkg). Every tar
// is written here (GNU headers, names sorted, fixed mtime, numeric owner 0) and gzip'd by zlib at a
// fixed level without a name or time in the header, like `gzip -n`.
import { gzipSync } from 'node:zlib';
import type { PackageFile, PackageSpec } from './package-spec.ts';

interface TarMember {
  /** Like "./etc/config/x"; folders end in "/". */
  path: string;
  mode: number;
  /** undefined for a folder. */
  content?: Buffer | string;
}

function tarHeader(path: string, mode: number, size: number, mtime: number, dir: boolean): Buffer {
  const h = Buffer.alloc(512, 0);
  if (Buffer.byteLength(path) > 100) throw new Error(`tar: name longer than 100 bytes: ${path}`);
  const octal = (n: number, width: number) => `${n.toString(8).padStart(width - 1, '0')}\0`;
  h.write(path, 0, 'utf8');
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid 0 (--numeric-owner)
  h.write(octal(0, 8), 116, 'ascii'); // gid 0
  h.write(octal(dir ? 0 : size, 12), 124, 'ascii');
  h.write(octal(mtime, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // the checksum field counts as spaces while summing
  h.write(dir ? '5' : '0', 156, 'ascii');
  h.write('ustar  \0', 257, 'ascii'); // GNU magic + version, as `tar --format=gnu`
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** A tar archive of `members` in the given order, padded like GNU tar to 10 KiB records. */
export function writeTar(members: TarMember[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const body = m.content === undefined ? null : Buffer.from(m.content);
    parts.push(tarHeader(m.path, m.mode, body ? body.length : 0, mtime, body === null));
    if (body) {
      parts.push(body);
      if (body.length % 512) parts.push(Buffer.alloc(512 - (body.length % 512)));
    }
  }
  parts.push(Buffer.alloc(1024));
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (total % 10240) parts.push(Buffer.alloc(10240 - (total % 10240)));
  return Buffer.concat(parts);
}

/** Files plus every parent folder ("./", "./etc/", …), in the order `tar --sort=name` walks. */
function withFolders(files: TarMember[]): TarMember[] {
  const dirs = new Set(['.']);
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 2; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: TarMember[] = [...[...dirs].map((d) => ({ path: d === '.' ? './' : `${d}/`, mode: 0o755 })), ...files];
  // Depth-first by path components (a folder right before what it holds), as GNU tar recurses.
  const key = (e: TarMember) => e.path.replace(/\/$/, '').split('/');
  return entries.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    }
    return ka.length - kb.length;
  });
}

/** gzip at a fixed level, without a file name or time in the header (like `gzip -n`). */
const gzip = (buf: Buffer) => gzipSync(buf, { level: 9 });

/** The wrappers package-pack.mk generates around the package's own postinst/prerm. */
export const POSTINST_WRAPPER = `#!/bin/sh
[ "\${IPKG_NO_SCRIPT}" = "1" ] && exit 0
[ -s \${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
. \${IPKG_INSTROOT}/lib/functions.sh
default_postinst $0 $@
`;
export const PRERM_WRAPPER = `#!/bin/sh
[ -s \${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
. \${IPKG_INSTROOT}/lib/functions.sh
default_prerm $0 $@
`;

export interface BuiltPackage {
  fileName: string;
  bytes: Buffer;
}

const tarFiles = (files: PackageFile[]): TarMember[] => files.map((f) => ({ path: `.${f.path}`, mode: f.mode, content: f.content }));

/** The .ipk bytes of one variant; every member's time is `mtime`. */
export function buildIpk(spec: PackageSpec, mtime: number): BuiltPackage {
  const version = `${spec.version}-${spec.release}`;
  const dataTar = writeTar(withFolders(tarFiles(spec.files)), mtime);
  const control = [
    `Package: ${spec.name}`,
    `Version: ${version}`,
    `Depends: ${spec.depends.join(', ')}`,
    ...(spec.conflicts.length ? [`Conflicts: ${spec.conflicts.join(', ')}`] : []),
    ...(spec.provides.length ? [`Provides: ${spec.provides.join(', ')}`] : []),
    `License: ${spec.license}`,
    `Section: ${spec.section}`,
    `URL: ${spec.url}`,
    `Maintainer: ${spec.maintainer}`,
    `Architecture: all`,
    `Installed-Size: ${dataTar.length}`,
    `Description: ${spec.title}`,
    ...spec.description.map((l) => ` ${l}`),
  ].join('\n');
  const controlTar = writeTar(
    withFolders([
      { path: './control', mode: 0o644, content: `${control}\n` },
      { path: './conffiles', mode: 0o644, content: `${[...spec.conffiles].sort().join('\n')}\n` },
      { path: './postinst', mode: 0o755, content: POSTINST_WRAPPER },
      { path: './postinst-pkg', mode: 0o755, content: spec.postinst },
      { path: './prerm', mode: 0o755, content: PRERM_WRAPPER },
      { path: './prerm-pkg', mode: 0o755, content: spec.prerm },
    ]),
    mtime,
  );
  const outer = writeTar(
    [
      { path: './debian-binary', mode: 0o644, content: '2.0\n' },
      { path: './data.tar.gz', mode: 0o644, content: gzip(dataTar) },
      { path: './control.tar.gz', mode: 0o644, content: gzip(controlTar) },
    ],
    mtime,
  );
  return { fileName: `${spec.name}_${version}_all.ipk`, bytes: gzip(outer) };
}
