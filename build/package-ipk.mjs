// `npm run package`: builds dist/dlan-agent_<version>-<release>_all.ipk for opkg (OpenWrt ≤ 24.10)
// without the OpenWrt SDK, reproducibly (same input → same bytes).
//
// Format (openwrt/openwrt scripts/ipkg-build, include/package-pack.mk; opkg-lede reads it with
// `gzip -d` + a tar parser, so NOT an `ar` archive): a gzip'd GNU tar holding, in this order,
// ./debian-binary ("2.0\n"), ./data.tar.gz (the files, uid/gid 0, real modes) and ./control.tar.gz
// (control, conffiles, the generated postinst/prerm wrappers, postinst-pkg/prerm-pkg). Every tar
// is written here (GNU headers, names sorted, fixed mtime, numeric owner 0) and gzip'd by zlib
// without a name or time in the header, like `gzip -n`.
//
// Single source of truth: openwrt-package/Makefile. Its install rules, conffiles, dependencies,
// description and the package's own postinst/prerm are read from it, so the SDK package and this
// .ipk carry the same files. This .ipk holds BOTH bundles (QuickJS and node) and depends on
// `node | quickjs`; /usr/bin/dlan-agent picks the runtime the router has.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- the feed Makefile, read

/** Bodies of `define NAME … endef` blocks, by NAME. */
export function makeDefines(text) {
  const out = new Map();
  const re = /^define ([^\n]+)\n([\s\S]*?)\nendef$/gm;
  for (const m of text.matchAll(re)) out.set(m[1].trim(), m[2]);
  return out;
}

/** `NAME:=value` assignments at the top level (the last one wins). */
export function makeAssignments(text) {
  const out = new Map();
  for (const m of text.matchAll(/^([A-Z_]+)\s*:=\s*(.*)$/gm)) out.set(m[1], m[2].trim());
  return out;
}

/** What the .ipk needs from openwrt-package/Makefile. */
export function readFeedMakefile(text) {
  const defs = makeDefines(text);
  const vars = makeAssignments(text);
  const need = (name) => {
    const v = defs.get(name);
    if (v === undefined) throw new Error(`openwrt-package/Makefile: no define ${name}`);
    return v;
  };
  /** A `KEY:=value` line of a define, with its backslash-continued lines joined. */
  const field = (block, key) => {
    const lines = block.split('\n');
    const start = lines.findIndex((l) => new RegExp(`^\\s*${key}:?=`).test(l));
    if (start < 0) return undefined;
    let value = lines[start].replace(new RegExp(`^\\s*${key}:?=`), '');
    for (let i = start; value.endsWith('\\') && i + 1 < lines.length; i++) value = `${value.slice(0, -1)} ${lines[i + 1]}`;
    return value.replace(/\s+/g, ' ').trim();
  };
  const common = need('Package/dlan-agent/Default');
  const depends = (field(common, 'DEPENDS') ?? '')
    .split(' ')
    .filter((d) => d.startsWith('+'))
    .map((d) => d.slice(1));
  /** $(INSTALL_BIN|CONF|DATA) SRC $(1)/DEST lines → {src, dest, mode}. */
  const installs = (block) =>
    [...block.matchAll(/\$\(INSTALL_(BIN|CONF|DATA)\)\s+(\S+)\s+\$\(1\)(\S+)/g)].map(([, kind, src, dest]) => ({
      src,
      dest: dest.endsWith('/') ? dest + src.slice(src.lastIndexOf('/') + 1) : dest,
      mode: { BIN: 0o755, CONF: 0o600, DATA: 0o644 }[kind],
    }));
  const unescape = (script) => `${script.replace(/\$\$/g, '$')}\n`;
  return {
    name: vars.get('PKG_NAME'),
    version: vars.get('PKG_VERSION'),
    release: vars.get('PKG_RELEASE'),
    license: vars.get('PKG_LICENSE'),
    maintainer: vars.get('PKG_MAINTAINER'),
    section: field(common, 'SECTION'),
    title: field(common, 'TITLE'),
    url: field(common, 'URL'),
    depends,
    description: need('Package/dlan-agent/description')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    conffiles: need('Package/dlan-agent/conffiles').split('\n').map((l) => l.trim()).filter(Boolean),
    installs: [
      ...installs(need('Package/dlan-agent/install/common')),
      ...installs(need('Package/dlan-agent/install')),
      ...installs(need('Package/dlan-agent-node/install')),
    ],
    postinst: unescape(need('Package/dlan-agent/postinst')),
    prerm: unescape(need('Package/dlan-agent/prerm')),
  };
}

// ---------------------------------------------------------------- tar (GNU headers) and gzip

/** A tar member: a folder (content undefined) or a file. `path` is like "./etc/config/x". */
function tarHeader({ path, mode, size, mtime, dir }) {
  const h = Buffer.alloc(512, 0);
  const name = dir && !path.endsWith('/') ? `${path}/` : path;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name longer than 100 bytes: ${name}`);
  const octal = (n, width) => `${n.toString(8).padStart(width - 1, '0')}\0`;
  h.write(name, 0, 'utf8');
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid 0 (--numeric-owner)
  h.write(octal(0, 8), 116, 'ascii'); // gid 0
  h.write(octal(dir ? 0 : size, 12), 124, 'ascii');
  h.write(octal(mtime, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum field counts as spaces while summing
  h.write(dir ? '5' : '0', 156, 'ascii');
  h.write('ustar  \0', 257, 'ascii'); // GNU magic + version, as `tar --format=gnu`
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** A tar archive of `members` in the given order, ended by two zero blocks (and padded like GNU tar to 10 KiB records). */
export function writeTar(members, mtime) {
  const parts = [];
  for (const m of members) {
    const body = m.content === undefined ? null : Buffer.from(m.content);
    parts.push(tarHeader({ path: m.path, mode: m.mode, size: body ? body.length : 0, mtime, dir: body === null }));
    if (body) {
      parts.push(body);
      if (body.length % 512) parts.push(Buffer.alloc(512 - (body.length % 512)));
    }
  }
  parts.push(Buffer.alloc(1024));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const record = 10240;
  if (total % record) parts.push(Buffer.alloc(record - (total % record)));
  return Buffer.concat(parts);
}

/** Files plus every parent folder ("./", "./etc/", …), sorted by name as `tar --sort=name` walks. */
export function withFolders(files) {
  const dirs = new Set(['.']);
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 2; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries = [
    ...[...dirs].map((d) => ({ path: d === '.' ? './' : `${d}/`, mode: 0o755 })),
    ...files,
  ];
  // Depth-first by path components (a folder right before what it holds), as GNU tar recurses.
  const key = (e) => e.path.replace(/\/$/, '').split('/');
  return entries.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    }
    return ka.length - kb.length;
  });
}

/** gzip without a file name or time in the header (like `gzip -n`), at the best compression. */
export const gzip = (buf) => gzipSync(buf, { level: 9 });

// ---------------------------------------------------------------- the package

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

/** The mtime of every member: SOURCE_DATE_EPOCH, else the last commit's time, else 0. */
function sourceDateEpoch(dir) {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || 0;
  } catch {
    return 0;
  }
}

/** Builds the .ipk bytes. `dist` must hold both bundles (npm run build). */
export function buildIpk({ rootDir = root, mtime = sourceDateEpoch(rootDir) } = {}) {
  const pkgDir = join(rootDir, 'openwrt-package');
  const feed = readFeedMakefile(readFileSync(join(pkgDir, 'Makefile'), 'utf8'));
  const npmVersion = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')).version;
  if (feed.version !== npmVersion) {
    throw new Error(`openwrt-package/Makefile PKG_VERSION ${feed.version} differs from package.json version ${npmVersion}`);
  }
  const version = `${feed.version}-${feed.release}`;

  const files = feed.installs.map(({ src, dest, mode }) => {
    const from = src.startsWith('$(PKG_BUILD_DIR)/') ? join(rootDir, 'dist', src.slice('$(PKG_BUILD_DIR)/'.length)) : join(pkgDir, src);
    if (!existsSync(from)) throw new Error(`package-ipk: ${from} is missing (run npm run build first)`);
    return { path: `.${dest}`, mode, content: readFileSync(from) };
  });
  const dataTar = writeTar(withFolders(files), mtime);

  const control = [
    `Package: ${feed.name}`,
    `Version: ${version}`,
    `Depends: ${[...feed.depends, 'node | quickjs'].join(', ')}`,
    `Conflicts: dlan-agent-node`,
    `License: ${feed.license}`,
    `Section: ${feed.section}`,
    `URL: ${feed.url}`,
    `Maintainer: ${feed.maintainer}`,
    `Architecture: all`,
    `Installed-Size: ${dataTar.length}`,
    `Description: ${feed.title}`,
    ...feed.description.map((l) => ` ${l.replace(/Runs on QuickJS\./, 'Runs on QuickJS (qjs) or node, whichever the router has.')}`),
  ].join('\n');
  const controlMembers = [
    { path: './control', mode: 0o644, content: `${control}\n` },
    { path: './conffiles', mode: 0o644, content: `${[...feed.conffiles].sort().join('\n')}\n` },
    { path: './postinst', mode: 0o755, content: POSTINST_WRAPPER },
    { path: './postinst-pkg', mode: 0o755, content: feed.postinst },
    { path: './prerm', mode: 0o755, content: PRERM_WRAPPER },
    { path: './prerm-pkg', mode: 0o755, content: feed.prerm },
  ];
  const controlTar = writeTar(withFolders(controlMembers), mtime);

  const outer = writeTar(
    [
      { path: './debian-binary', mode: 0o644, content: '2.0\n' },
      { path: './data.tar.gz', mode: 0o644, content: gzip(dataTar) },
      { path: './control.tar.gz', mode: 0o644, content: gzip(controlTar) },
    ],
    mtime,
  );
  return { fileName: `${feed.name}_${version}_all.ipk`, bytes: gzip(outer), version };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // The package is made from freshly built bundles, unless told to take dist/ as it is.
  if (!process.argv.includes('--no-build')) {
    execFileSync(process.execPath, [join(root, 'build', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  }
  const { fileName, bytes } = buildIpk();
  const out = join(root, 'dist', fileName);
  writeFileSync(out, bytes);
  console.log(`${out.slice(root.length + 1)}: ${(statSync(out).size / 1024).toFixed(1)} KB`);
}
