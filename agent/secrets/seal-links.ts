// The admin side of sealed link secrets (`dlan-agent seal`): creates (or rotates) the WireGuard
// preshared key of every link, or of one, seals it with age for the link's two routers, and
// writes it into dlan.yaml as
//
//   - routers: [r1, r4]
//     preshared_key:
//       recipients: { r1: age1…, r4: age1… }   (block style, one router per line)
//       sealed: |
//         -----BEGIN AGE ENCRYPTED FILE-----
//         …
//
// The file is edited in place: the yaml Document API locates each link (node ranges), and only
// the text of the links that change is rewritten, so comments, order, quoting and every other
// line stay byte-for-byte as the admin wrote them (a full re-stringify would reflow the file).
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { ConfigFile } from '../config/parse-yaml-file.ts';
import { parseYamlFile } from '../config/parse-yaml-file.ts';
import { encryptAgeArmored, type RandomBytes } from './age-encrypt.ts';
import { parseRecipient } from './age-keys.ts';

export interface SealOptions {
  /** Only this link (names in either order); all links when absent. */
  link?: [string, string];
  /** New keys even for links whose key is sealed for the current recipients. */
  rotate: boolean;
}

export type SealOutcome =
  | { link: string; action: 'sealed' | 'rotated' | 'resealed'; why: string }
  | { link: string; action: 'kept'; why: string }
  | { link: string; action: 'skipped'; why: string };

export interface SealResult {
  text: string;
  changed: boolean;
  outcomes: SealOutcome[];
}

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

type Range = [number, number, number];

function rangeOf(node: unknown): Range {
  const r = (node as { range?: Range | null }).range;
  if (!r) throw new SealError('internal: a YAML node has no source range');
  return r;
}

/**
 * Seals link secrets in the main file's text. `recipients` maps router name → its `age1…`
 * recipient (routers without one are absent). Throws SealError when the file cannot be edited.
 */
export async function sealLinks(main: ConfigFile, recipients: ReadonlyMap<string, string>, opts: SealOptions, random: RandomBytes): Promise<SealResult> {
  const parsed = parseYamlFile(main);
  if (parsed.errors.length > 0 || !parsed.doc) {
    throw new SealError(`${main.path} does not parse: ${parsed.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ') || 'empty file'}`);
  }
  const text = main.text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const links = parsed.doc.get('links', true) as Node | undefined;
  const outcomes: SealOutcome[] = [];
  if (links === undefined || links === null) {
    if (opts.link) throw new SealError(`there is no link ${opts.link.join('–')}: ${main.path} has no \`links:\``);
    return { text, changed: false, outcomes };
  }
  if (!isSeq(links)) throw new SealError('`links` is not a list');
  if (links.flow && links.items.length > 0) throw new SealError('`links` is written as a flow list (`[...]`): write one link per line (`- [a, b]`) so that seal can add the sealed keys');

  const edits: Edit[] = [];
  let matched = false;
  for (const [index, item] of links.items.entries()) {
    const names = linkNames(item);
    if (!names) throw new SealError(`links[${index}] is not \`[a, b]\` or \`routers: [a, b]\`: run \`dlan-agent validate\` first`);
    const [a, b] = names;
    const label = `${a}–${b}`;
    if (opts.link && !sameLink(opts.link, names)) continue;
    matched = true;
    const missing = [a, b].filter((n) => !recipients.has(n));
    if (missing.length > 0) {
      outcomes.push({ link: label, action: 'skipped', why: `${missing.join(' and ')} ${missing.length === 1 ? 'has' : 'have'} no age_recipient: run \`dlan-agent init\` there and commit the printed age_recipient` });
      continue;
    }
    const existing = isMap(item) ? (item.items.find((p) => isScalar(p.key) && p.key.value === 'preshared_key') as Pair<Node, Node> | undefined) : undefined;
    const current = existing ? (existing.value?.toJSON() as { recipients?: Record<string, unknown> } | null) : null;
    const stale = [a, b].filter((n) => current?.recipients?.[n] !== recipients.get(n));
    let action: 'sealed' | 'rotated' | 'resealed';
    let why: string;
    if (!existing) {
      action = 'sealed';
      why = 'new preshared key';
    } else if (stale.length > 0) {
      action = 'resealed';
      why = `new preshared key: the old one was not sealed for the current age_recipient of ${stale.join(' and ')}`;
    } else if (opts.rotate) {
      action = 'rotated';
      why = 'new preshared key (--rotate)';
    } else {
      outcomes.push({ link: label, action: 'kept', why: 'sealed for the current recipients (--rotate makes a new key)' });
      continue;
    }
    const keys = [a, b].map((n) => {
      const k = parseRecipient(recipients.get(n)!);
      if (!k) throw new SealError(`routers.${n}.age_recipient is not a valid age recipient`);
      return k;
    });
    const armored = await encryptAgeArmored(await random(32), keys, random);
    edits.push(...editsForLink(text, item, index, sealedBlock(a, b, recipients, armored), eol));
    outcomes.push({ link: label, action, why });
  }
  if (opts.link && !matched) throw new SealError(`there is no link ${opts.link.join('–')} in ${main.path}`);
  const out = applyEdits(text, edits);
  return { text: out, changed: out !== text, outcomes };
}

function linkNames(item: unknown): [string, string] | null {
  const pair = isMap(item) ? item.get('routers', true) : item;
  if (!isSeq(pair) || pair.items.length !== 2) return null;
  const [a, b] = pair.items.map((n) => (isScalar(n) && typeof n.value === 'string' ? n.value : null));
  return a && b ? [a, b] : null;
}

function sameLink(x: [string, string], y: [string, string]): boolean {
  return (x[0] === y[0] && x[1] === y[1]) || (x[0] === y[1] && x[1] === y[0]);
}

/** The `preshared_key:` lines, each without indentation (added by the caller). */
function sealedBlock(a: string, b: string, recipients: ReadonlyMap<string, string>, armored: string): string[] {
  return [
    'preshared_key:',
    '  recipients:',
    `    ${a}: ${recipients.get(a)}`,
    `    ${b}: ${recipients.get(b)}`,
    '  sealed: |',
    ...armored.trimEnd().split('\n').map((l) => `    ${l}`),
  ];
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** The offset just after the end of the line holding `at` (or `at` itself if it starts a line). */
function afterLine(text: string, at: number): number {
  if (at > 0 && text[at - 1] === '\n') return at;
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
}

function indented(lines: string[], column: number, eol: string): string {
  const pad = ' '.repeat(column);
  return lines.map((l) => `${pad}${l}${eol}`).join('');
}

function editsForLink(text: string, item: unknown, index: number, block: string[], eol: string): Edit[] {
  const insertAt = (at: number, column: number): Edit => {
    const pos = afterLine(text, at);
    const needsBreak = pos === text.length && !text.endsWith('\n');
    return { start: pos, end: pos, text: `${needsBreak ? eol : ''}${indented(block, column, eol)}` };
  };
  if (isSeq(item) && item.flow) {
    // `- [a, b]  # comment` → `- routers: [a, b]  # comment`, then the block below it.
    const [start, end] = rangeOf(item);
    const column = start - lineStart(text, start);
    return [{ start, end: start, text: 'routers: ' }, insertAt(end, column)];
  }
  if (isMap(item) && !item.flow) {
    const pairs = item.items as Pair<Node, Node>[];
    const existing = pairs.find((p) => isScalar(p.key) && p.key.value === 'preshared_key');
    if (existing) {
      const keyStart = rangeOf(existing.key)[0];
      const from = lineStart(text, keyStart);
      if (text.slice(from, keyStart).trim() !== '') throw new SealError(`links[${index}].preshared_key does not start its own line: put each key of the link on its own line`);
      const to = afterLine(text, existing.value ? rangeOf(existing.value)[2] : rangeOf(existing.key)[1]);
      return [{ start: from, end: to, text: indented(block, keyStart - from, eol) }];
    }
    const routers = pairs.find((p) => isScalar(p.key) && p.key.value === 'routers')!;
    const keyStart = rangeOf(routers.key)[0];
    return [insertAt(rangeOf(routers.value)[1], keyStart - lineStart(text, keyStart))];
  }
  throw new SealError(`links[${index}] is written in a form seal does not edit in place: write it as \`- [a, b]\` or \`- routers: [a, b]\` with one key per line`);
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((x, y) => y.start - x.start || y.end - x.end)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
