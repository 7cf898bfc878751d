// uci_import: the config file grammar of file.c (package / config / option / list lines,
// one-letter abbreviations, ';' between commands, '#' comments, quotes spanning lines).
import type { ByteStream } from './byte-stream.ts';
import type { UciContext } from './context.ts';
import { uciAddList, uciAddSection, uciSet } from './edit.ts';
import { UCI_ERR_DUPLICATE, UCI_ERR_INVAL, UCI_ERR_PARSE, UciThrow } from './errors.ts';
import { ParseContext } from './lexer.ts';
import { validatePackage, validateType } from './names.ts';
import { emptyPtr, type UciPtr } from './ptr.ts';
import { allocPackage, lookupOption, lookupSection, type UciPackage, type UciSection } from './tree.ts';

/** uci_fill_ptr for a section: a pointer that counts as looked up but not as complete. */
function sectionPtr(p: UciPackage, s: UciSection | null, section: string): UciPtr {
  return { ...emptyPtr(), package: p.name, p, s, section, done: true };
}

/** uci_switch_config: file the current package in ctx.root and start the named one. */
function switchConfig(ctx: UciContext, pctx: ParseContext): void {
  if (pctx.package) {
    ctx.root.push(pctx.package);
    pctx.package = null;
    pctx.section = null;
  }
  if (pctx.name === null) return;
  if (ctx.findPackage(pctx.name)) throw new UciThrow(UCI_ERR_DUPLICATE);
  pctx.package = allocPackage(pctx.name);
}

function parsePackageLine(ctx: UciContext, pctx: ParseContext, consumed: number, single: boolean): void {
  if (!pctx.increasePos(consumed)) pctx.error('package without name');
  const ofsName = pctx.nextArg(true, true, true);
  pctx.assertEol(ctx.strict);
  if (single) return;
  pctx.name = pctx.str(ofsName);
  switchConfig(ctx, pctx);
}

function parseConfigLine(ctx: UciContext, pctx: ParseContext, consumed: number): void {
  if (!pctx.package) {
    if (pctx.name === null) pctx.error('attempting to import a file without a package name');
    switchConfig(ctx, pctx);
  }
  if (!pctx.increasePos(consumed)) pctx.error('config without name');
  const ofsType = pctx.nextArg(true, false, false);
  if (!validateType(pctx.str(ofsType))) pctx.error('invalid character in type field');
  const ofsName = pctx.nextArg(false, true, false);
  pctx.assertEol(ctx.strict);
  const type = pctx.str(ofsType);
  const name = pctx.str(ofsName);
  const p = pctx.package as UciPackage;
  if (name === '') {
    pctx.section = uciAddSection(p, type, !pctx.merge);
    return;
  }
  const existing = lookupSection(p, name);
  if (existing && ctx.strict && existing.type !== type) {
    pctx.error('section of different type overwrites prior section with same name');
  }
  const ptr = sectionPtr(p, existing, name);
  ptr.value = type;
  uciSet(ctx, ptr, !pctx.merge);
  pctx.section = ptr.s;
}

function parseOptionLine(ctx: UciContext, pctx: ParseContext, consumed: number, list: boolean): void {
  const s = pctx.section;
  if (!s) pctx.error('option/list command found before the first section');
  if (!pctx.increasePos(consumed)) pctx.error('option without name');
  const ofsName = pctx.nextArg(true, true, false);
  const ofsValue = pctx.nextArg(false, false, false);
  pctx.assertEol(ctx.strict);
  const name = pctx.str(ofsName);
  const p = pctx.package as UciPackage;
  const ptr = sectionPtr(p, s, s.name);
  ptr.o = lookupOption(s, name);
  ptr.option = name;
  ptr.value = pctx.str(ofsValue);
  if (list) uciAddList(ctx, ptr, !pctx.merge);
  else uciSet(ctx, ptr, !pctx.merge);
}

/** uci_parse_line: the commands of one line, keyword by keyword (strtok on " \t"). */
function parseLine(ctx: UciContext, pctx: ParseContext, single: boolean): void {
  pctx.skipWhitespace();
  for (;;) {
    const kw = pctx.keyword();
    if (!kw) return;
    const { word, consumed } = kw;
    const is = (full: string): boolean => word[0] === full[0] && (word.length === 1 || word === full);
    if (word[0] === '#') return;
    if (is('package')) parsePackageLine(ctx, pctx, consumed, single);
    else if (is('config')) parseConfigLine(ctx, pctx, consumed);
    else if (is('option')) parseOptionLine(ctx, pctx, consumed, false);
    else if (is('list')) parseOptionLine(ctx, pctx, consumed, true);
    else pctx.error('invalid command');
  }
}

/**
 * uci_import. `target.p` is merged into when given with `single` (import -m); otherwise new
 * packages are created, named by `name` or by `package` lines, and filed in ctx.root.
 */
export function uciImport(ctx: UciContext, stream: ByteStream, name: string | null, target: { p: UciPackage | null } | null, single: boolean): void {
  ctx.cleanup();
  const pctx = new ParseContext(stream);
  ctx.pctx = pctx;
  if (target?.p && single) {
    pctx.package = target.p;
    pctx.merge = true;
  }
  if (name !== null) {
    if (!validatePackage(name)) throw new UciThrow(UCI_ERR_INVAL);
    pctx.name = name;
  }
  while (!stream.eof) {
    pctx.pos = 0;
    pctx.getln(0);
    try {
      if (pctx.ch(0) !== 0) parseLine(ctx, pctx, single);
    } catch (e) {
      if (!(e instanceof UciThrow)) throw e;
      ctx.err = e.code;
      if (ctx.perrorWhileParsing) ctx.perror(null);
      if (e.code !== UCI_ERR_PARSE || ctx.strict) throw e;
    }
  }
  if (!pctx.package && name !== null) switchConfig(ctx, pctx);
  if (target) target.p = pctx.package;
  if (pctx.merge) pctx.package = null;
  pctx.name = null;
  switchConfig(ctx, pctx);
  ctx.cleanup();
}
