// Delta ("save") files of delta.c: one change per line, `[prefix]pkg.section[.option][='value']`
// with the prefixes '+' add, '-' remove, '@' rename, '^' reorder, '|' add_list, '~' del_list and
// none for set. Lines are read with the config tokenizer, so quoted values may span lines.
import { ByteStream } from './byte-stream.ts';
import { strtoulToInt } from './bytes.ts';
import type { UciContext } from './context.ts';
import { uciAddList, uciDelete, uciDelList, uciRename, uciReorderSection, uciSet } from './edit.ts';
import { quoteValue } from './format.ts';
import { UCI_ERR_INVAL, UCI_ERR_IO, UCI_ERR_NOTFOUND, UCI_ERR_PARSE, UciThrow } from './errors.ts';
import { ParseContext } from './lexer.ts';
import { validateName } from './names.ts';
import { expandPtr, parsePtr, type UciPtr } from './ptr.ts';
import { CMD_ADD, CMD_CHANGE, CMD_LIST_ADD, CMD_LIST_DEL, CMD_REMOVE, CMD_RENAME, CMD_REORDER, type UciDelta, type UciPackage } from './tree.ts';

const PREFIX: Record<number, string> = {
  [CMD_ADD]: '+',
  [CMD_REMOVE]: '-',
  [CMD_CHANGE]: '',
  [CMD_RENAME]: '@',
  [CMD_REORDER]: '^',
  [CMD_LIST_ADD]: '|',
  [CMD_LIST_DEL]: '~',
};

/** uci_delta_save: one line of a delta file. */
export function formatDeltaLine(pkg: string, d: UciDelta): string {
  let line = `${PREFIX[d.cmd] ?? ''}${pkg}.${d.section}`;
  if (d.option !== null) line += `.${d.option}`;
  if (d.cmd === CMD_REMOVE && d.value === null) return `${line}\n`;
  return `${line}=${quoteValue(d.value ?? '')}\n`;
}

/** uci_parse_delta_tuple: the line in the parse buffer as one argument, then as a uci_ptr. */
function parseDeltaTuple(pctx: ParseContext): { cmd: number; ptr: UciPtr } {
  const ofs = pctx.nextArg(false, false, false);
  if (pctx.ch(pctx.pos) !== 0) throw new UciThrow(UCI_ERR_INVAL);
  let arg = pctx.str(ofs);
  const prefixCmd = Object.entries(PREFIX).find(([, prefix]) => prefix !== '' && arg.startsWith(prefix));
  const cmd = prefixCmd ? Number(prefixCmd[0]) : CMD_CHANGE;
  if (cmd !== CMD_CHANGE) arg = arg.slice(1);
  const ptr = parsePtr(arg);
  if (ptr.section === null || ptr.extended) throw new UciThrow(UCI_ERR_INVAL);
  if (cmd !== CMD_REMOVE && ptr.value === null) throw new UciThrow(UCI_ERR_INVAL);
  if (cmd === CMD_REORDER && ptr.option !== null) throw new UciThrow(UCI_ERR_INVAL);
  if (cmd === CMD_RENAME && !validateName(ptr.value ?? '')) throw new UciThrow(UCI_ERR_INVAL);
  if ((cmd === CMD_LIST_ADD || cmd === CMD_LIST_DEL) && ptr.option === null) throw new UciThrow(UCI_ERR_INVAL);
  return { cmd, ptr };
}

/** uci_parse_delta_line: record it for `changes`, then replay it without recording. */
function replayDeltaLine(ctx: UciContext, p: UciPackage, pctx: ParseContext): void {
  const { cmd, ptr } = parseDeltaTuple(pctx);
  if (ptr.package !== p.name) throw new UciThrow(UCI_ERR_PARSE);
  p.savedDelta.push({ cmd, section: ptr.section as string, option: ptr.option, value: ptr.value });
  switch (cmd) {
    case CMD_REORDER:
      expandPtr(ctx, ptr, true);
      if (!ptr.s) throw new UciThrow(UCI_ERR_NOTFOUND);
      uciReorderSection(p, ptr.s, strtoulToInt(ptr.value ?? ''), true);
      break;
    case CMD_RENAME:
      uciRename(ctx, ptr, true);
      break;
    case CMD_REMOVE:
      uciDelete(ctx, ptr, true);
      break;
    case CMD_LIST_ADD:
      uciAddList(ctx, ptr, true);
      break;
    case CMD_LIST_DEL:
      uciDelList(ctx, ptr, true);
      break;
    case CMD_ADD:
      uciSet(ctx, ptr, true);
      if (ptr.option === null && ptr.s) ptr.s.anonymous = true;
      break;
    default:
      uciSet(ctx, ptr, true);
  }
}

/** uci_parse_delta: replay a whole file; bad lines are skipped. Returns the lines applied. */
function parseDelta(ctx: UciContext, bytes: string, p: UciPackage): number {
  ctx.cleanup();
  const stream = new ByteStream(bytes);
  const pctx = new ParseContext(stream);
  ctx.pctx = pctx;
  let changes = 0;
  while (!stream.eof) {
    pctx.pos = 0;
    pctx.getln(0);
    if (pctx.ch(0) === 0) continue;
    try {
      replayDeltaLine(ctx, p, pctx);
      changes++;
    } catch (e) {
      if (!(e instanceof UciThrow)) throw e;
    }
  }
  ctx.cleanup();
  return changes;
}

function deltaFile(dir: string, pkg: string): string {
  return `${dir}/${pkg}`;
}

/**
 * uci_load_delta: replay the package's file from every delta dir in order (the save dir last).
 * With `flush` (commit) the save dir's file is emptied when anything was applied; it is never
 * created, and files in other dirs (-p) are left alone.
 */
export function loadDelta(ctx: UciContext, p: UciPackage, flush: boolean): number {
  if (!p.hasDelta) return 0;
  let changes = 0;
  for (const dir of ctx.deltaPaths) {
    const bytes = ctx.files.isRegularFile(deltaFile(dir, p.name)) ? ctx.files.read(deltaFile(dir, p.name)) : null;
    if (bytes !== null) changes += parseDelta(ctx, bytes, p);
  }
  const saveFile = deltaFile(ctx.savedir, p.name);
  if (flush && changes > 0 && ctx.files.canOpenForWrite(saveFile)) {
    if (!ctx.files.truncate(saveFile)) throw new UciThrow(UCI_ERR_IO);
  }
  ctx.err = 0;
  return changes;
}

/** uci_save: append this process's changes to the save dir's file (creating dir and file). */
export function saveDelta(ctx: UciContext, p: UciPackage, commit: (p: UciPackage) => void): void {
  if (!p.hasDelta) {
    commit(p);
    return;
  }
  if (p.delta.length === 0) return;
  const files = ctx.files;
  if (!files.exists(ctx.savedir)) {
    files.mkdir(ctx.savedir, files.mode(ctx.confdir) ?? 0o700);
  } else if (!files.isDirectory(ctx.savedir)) {
    throw new UciThrow(UCI_ERR_IO);
  }
  const bytes = p.delta.map((d) => formatDeltaLine(p.name, d)).join('');
  const mode = files.mode(`${ctx.confdir}/${p.name}`) ?? 0o600;
  if (!files.append(deltaFile(ctx.savedir, p.name), bytes, mode)) throw new UciThrow(UCI_ERR_IO);
  p.delta = [];
}

/**
 * uci_filter_delta (revert): rewrite the save dir's file without the lines that match the
 * section/option. A line that does not parse aborts the rewrite, as does a missing file.
 */
export function filterDelta(ctx: UciContext, pkg: string, section: string | null, option: string | null): void {
  const file = deltaFile(ctx.savedir, pkg);
  try {
    if (!ctx.files.canOpenForWrite(file)) throw new UciThrow(UCI_ERR_IO);
    const stream = new ByteStream(ctx.files.read(file) ?? '');
    const pctx = new ParseContext(stream);
    ctx.pctx = pctx;
    const kept: UciDelta[] = [];
    while (!stream.eof) {
      pctx.pos = 0;
      pctx.getln(0);
      if (pctx.ch(0) === 0) continue;
      const { cmd, ptr } = parseDeltaTuple(pctx);
      let match = true;
      if (section !== null && ptr.section !== section) match = false;
      if (match && option !== null && ptr.option !== option) match = false;
      if (!match && ptr.section !== null) kept.push({ cmd, section: ptr.section, option: ptr.option, value: ptr.value });
    }
    if (!ctx.files.rewrite(file, kept.map((d) => formatDeltaLine(pkg, d)).join(''))) throw new UciThrow(UCI_ERR_IO);
  } catch (e) {
    if (!(e instanceof UciThrow)) throw e;
  }
  ctx.cleanup();
}
