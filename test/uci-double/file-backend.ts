// The file backend of file.c: load a package (file + deltas), commit it (re-read the file,
// replay and flush the deltas, write the canonical export atomically), list the config files.
import { ByteStream } from './byte-stream.ts';
import type { UciContext } from './context.ts';
import { loadDelta, saveDelta } from './delta.ts';
import { UCI_ERR_INVAL, UCI_ERR_IO, UCI_ERR_NOTFOUND, UciThrow } from './errors.ts';
import { exportPackage } from './format.ts';
import { uciImport } from './import.ts';
import { validatePackage } from './names.ts';
import type { UciPackage } from './tree.ts';

/** UCI_FILEMODE: new config and delta files */
const FILE_MODE = 0o600;

function configPath(ctx: UciContext, name: string): string {
  if (!validatePackage(name)) throw new UciThrow(UCI_ERR_INVAL);
  return `${ctx.confdir}/${name}`;
}

/** uci_file_load: a name in the config dir, or a path starting with "/" or "./" (no deltas). */
export function fileLoad(ctx: UciContext, name: string): UciPackage {
  let filename: string;
  let pkgName = name;
  let inConfdir = false;
  if (name.startsWith('/') || name.startsWith('./')) {
    filename = name;
    pkgName = name.slice(name.lastIndexOf('/') + 1);
  } else if (name.startsWith('.')) {
    throw new UciThrow(UCI_ERR_NOTFOUND);
  } else {
    filename = configPath(ctx, name);
    // the override dir (-C) wins when it holds the package
    if (ctx.conf2dir !== null && validatePackage(name) && ctx.files.exists(`${ctx.conf2dir}/${name}`)) {
      filename = `${ctx.conf2dir}/${name}`;
    }
    inConfdir = true;
  }
  if (!ctx.files.isRegularFile(filename)) throw new UciThrow(UCI_ERR_NOTFOUND);
  const bytes = ctx.files.read(filename);
  if (bytes === null) throw new UciThrow(UCI_ERR_IO);
  const target: { p: UciPackage | null } = { p: null };
  ctx.err = 0;
  uciImport(ctx, new ByteStream(bytes), pkgName, target, true);
  const p = target.p;
  if (!p) throw new UciThrow(UCI_ERR_NOTFOUND);
  p.path = filename;
  p.hasDelta = inConfdir;
  loadDelta(ctx, p, false);
  return p;
}

/**
 * uci_file_commit. Without `overwrite` the package is re-read from its file and the delta
 * files are replayed and flushed; nothing is written when no delta line applied.
 * With `overwrite` (import) the in-memory package is written as is.
 * Returns the package now in memory (libuci swaps *package).
 */
export function fileCommit(ctx: UciContext, p: UciPackage, overwrite: boolean): UciPackage {
  if (p.path === null) {
    if (!overwrite) throw new UciThrow(UCI_ERR_INVAL);
    p.path = configPath(ctx, p.name);
  }
  const path = p.path;
  const files = ctx.files;
  // open(O_RDWR|O_CREAT) of the target, with the mode of an existing config file of that name
  if (!files.ensureFile(path, files.mode(`${ctx.confdir}/${p.name}`) ?? FILE_MODE)) throw new UciThrow(UCI_ERR_IO);
  let current = p;
  if (current.hasDelta) {
    if (!overwrite) {
      if (current.delta.length) saveDelta(ctx, current, (q) => fileCommit(ctx, q, false));
      ctx.unload(current);
      ctx.cleanup();
      const target: { p: UciPackage | null } = { p: null };
      uciImport(ctx, new ByteStream(files.read(path) ?? ''), current.name, target, true);
      const reread = target.p as UciPackage;
      reread.path = path;
      reread.hasDelta = true;
      current = reread;
    }
    if (!loadDelta(ctx, current, true)) return current;
  }
  const text = exportPackage(current, false, ctx.exportName);
  const dir = ctx.confdir;
  if (!files.replaceAtomically(path, dir, current.name, text)) throw new UciThrow(UCI_ERR_IO);
  return current;
}

/** uci_list_configs: the package files of the config dir, sorted; no file is an error. */
export function listConfigs(ctx: UciContext): string[] {
  const entries = ctx.files.globNames(ctx.confdir);
  if (!entries) throw new UciThrow(UCI_ERR_NOTFOUND);
  return entries.filter((e) => !e.isDir && !e.name.includes('.') && validatePackage(e.name)).map((e) => e.name);
}
