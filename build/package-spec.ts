// What one OpenWrt package of dlan-agent holds, read from openwrt-package/Makefile (the feed
// Makefile is the single source of truth: the SDK build and `npm run package` ship the same files,
// dependencies, descriptions and scripts). One package per runtime:
//   dlan-agent       the QuickJS bundle, depends on quickjs (the default variant)
//   dlan-agent-node  the node bundle, depends on node
// Both provide dlan-agent-any and conflict with each other (they install the same paths).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VARIANTS = ['dlan-agent', 'dlan-agent-node'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface PackageFile {
  /** Absolute path on the router, e.g. /usr/bin/dlan-agent. */
  path: string;
  mode: number;
  content: Buffer;
}

export interface PackageSpec {
  name: Variant;
  /** Upstream version (PKG_VERSION) and release (PKG_RELEASE): apk writes 0.1.0-r1, opkg 0.1.0-1. */
  version: string;
  release: string;
  license: string;
  maintainer: string;
  url: string;
  section: string;
  title: string;
  /** The description's lines (the variant's runtime named in them). */
  description: string[];
  /** Package names, make's `+` and `@CONDITION`s removed. */
  depends: string[];
  provides: string[];
  conflicts: string[];
  /** The default variant gets provider priority 100, as package-pack.mk gives DEFAULT_VARIANT. */
  defaultVariant: boolean;
  conffiles: string[];
  files: PackageFile[];
  /** The package's own postinst/prerm (make's $$ turned into $). */
  postinst: string;
  prerm: string;
}

/** Bodies of `define NAME … endef` blocks, by NAME. */
function makeDefines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^define ([^\n]+)\n([\s\S]*?)\nendef$/gm)) out.set(m[1]!.trim(), m[2]!);
  return out;
}

/** Top-level `NAME:=value` assignments (the last one wins). */
function makeAssignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^([A-Z_]+)\s*:=\s*(.*)$/gm)) out.set(m[1]!, m[2]!.trim());
  return out;
}

/** The value of `KEY:=`, `KEY=` or `KEY+=` lines of a define, backslash-continued lines joined. */
function fieldValues(block: string, key: string): { op: string; value: string }[] {
  const lines = block.split('\n');
  const out: { op: string; value: string }[] = [];
  const re = new RegExp(`^\\s*${key}\\s*(:=|\\+=|=)(.*)$`);
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]!);
    if (!m) continue;
    let value = m[2]!;
    while (value.endsWith('\\') && i + 1 < lines.length) value = `${value.slice(0, -1)} ${lines[++i]}`;
    out.push({ op: m[1]!, value: value.replace(/\s+/g, ' ').trim() });
  }
  return out;
}

/** A field over the common block and the variant's block: `+=` appends, `:=` replaces. */
function field(blocks: string[], key: string, join = ' '): string {
  let value = '';
  for (const b of blocks) {
    for (const { op, value: v } of fieldValues(b, key)) value = op === '+=' ? [value, v].filter(Boolean).join(join) : v;
  }
  return value;
}

/** $(INSTALL_BIN|CONF|DATA) SRC $(1)/DEST lines → files with the mode each macro installs. */
function installs(block: string): { src: string; dest: string; mode: number }[] {
  const modes = { BIN: 0o755, CONF: 0o600, DATA: 0o644 } as const;
  return [...block.matchAll(/\$\(INSTALL_(BIN|CONF|DATA)\)\s+(\S+)\s+\$\(1\)(\S+)/g)].map(([, kind, src, dest]) => ({
    src: src!,
    dest: dest!.endsWith('/') ? dest! + src!.slice(src!.lastIndexOf('/') + 1) : dest!,
    mode: modes[kind as keyof typeof modes],
  }));
}

/** Reads openwrt-package/Makefile and the files it installs (bundles from dist/). */
export function readPackageSpec(rootDir: string, name: Variant): PackageSpec {
  const pkgDir = join(rootDir, 'openwrt-package');
  const text = readFileSync(join(pkgDir, 'Makefile'), 'utf8');
  const defs = makeDefines(text);
  const vars = makeAssignments(text);
  const need = (key: string) => {
    const v = defs.get(key);
    if (v === undefined) throw new Error(`openwrt-package/Makefile: no define ${key}`);
    return v;
  };
  const version = vars.get('PKG_VERSION') ?? '';
  const npmVersion = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')).version as string;
  if (version !== npmVersion) {
    throw new Error(`openwrt-package/Makefile PKG_VERSION ${version} differs from package.json version ${npmVersion}`);
  }
  const blocks = [need('Package/dlan-agent/Default'), need(`Package/${name}`)];
  const words = (key: string) => field(blocks, key).split(' ').filter(Boolean);

  // The node description is `$(subst QuickJS,node,$(Package/dlan-agent/description))`.
  let description = need('Package/dlan-agent/description');
  const own = defs.get(`Package/${name}/description`);
  const subst = own && /^\s*\$\(subst ([^,]+),([^,]+),\$\(Package\/dlan-agent\/description\)\)\s*$/.exec(own);
  if (own && name !== 'dlan-agent') {
    if (!subst) throw new Error(`openwrt-package/Makefile: Package/${name}/description is not a $(subst …) of dlan-agent's`);
    description = description.split(subst[1]!).join(subst[2]!);
  }

  const files = [...installs(need('Package/dlan-agent/install/common')), ...installs(need(`Package/${name}/install`))].map(({ src, dest, mode }) => {
    const from = src.startsWith('$(PKG_BUILD_DIR)/') ? join(rootDir, 'dist', src.slice('$(PKG_BUILD_DIR)/'.length)) : join(pkgDir, src);
    if (!existsSync(from)) throw new Error(`package: ${from} is missing (run npm run build first)`);
    return { path: dest, mode, content: readFileSync(from) };
  });
  const unescape = (script: string) => `${script.replace(/\$\$/g, '$')}\n`;
  return {
    name,
    version,
    release: vars.get('PKG_RELEASE') ?? '',
    license: vars.get('PKG_LICENSE') ?? '',
    maintainer: vars.get('PKG_MAINTAINER') ?? '',
    url: field(blocks, 'URL'),
    section: field(blocks, 'SECTION'),
    title: field(blocks, 'TITLE'),
    description: description
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    depends: words('DEPENDS')
      .filter((d) => d.startsWith('+'))
      .map((d) => d.slice(1)),
    provides: words('PROVIDES'),
    conflicts: words('CONFLICTS'),
    defaultVariant: field(blocks, 'DEFAULT_VARIANT') === '1',
    conffiles: need('Package/dlan-agent/conffiles')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    postinst: unescape(need('Package/dlan-agent/postinst')),
    prerm: unescape(need('Package/dlan-agent/prerm')),
  };
}
