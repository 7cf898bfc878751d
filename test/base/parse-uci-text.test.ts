// The one UCI reader (agent/base/parse-uci-text.ts) against the real uci: every recorded case of
// /work/shared/uci-conformance whose steps read a config file before anything changes it (`show`
// and `export` of a package: the values, or the parse error with its reason, line and byte), and
// every recorded `export` output read back (what the OpenWrt backend parses). Then random texts
// against the uci test double, which replays the whole corpus byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseUciExport, parseUciText, UciSyntaxError, type UciPackage } from '../../agent/base/parse-uci-text.ts';
import { runUci } from '../uci-double/uci.ts';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'uci-conformance', 'cases');

interface Step {
  args: string[];
  exit: number;
  stdout: string;
  stderr: string;
}
interface Case {
  files?: Record<string, string | null>;
  delta_files?: Record<string, string | null>;
  extra_files?: Record<string, string>;
  steps: Step[];
}

const cases = readdirSync(casesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ id: f.replace(/\.json$/, ''), c: JSON.parse(readFileSync(join(casesDir, f), 'utf8')) as Case }));

/** uci_escape: `'` as `'\''` (in types too, which export writes without quotes). */
const escape = (v: string) => v.replace(/'/g, `'\\''`);
const quote = (v: string) => `'${escape(v)}'`;
const items = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** `uci export PKG` as uci_export_package writes it (anonymous sections without a name). */
function exportText(p: UciPackage): string {
  let out = `package ${p.name}\n`;
  for (const s of p.sections) {
    out += `\nconfig ${escape(s.type)}${s.name === null ? '' : ` ${quote(s.name)}`}\n`;
    for (const o of s.options) for (const v of items(o.value)) out += `\t${Array.isArray(o.value) ? 'list' : 'option'} ${o.name} ${quote(v)}\n`;
  }
  return `${out}\n`;
}

/** `uci show PKG`: anonymous sections as @type[index]. */
function showText(p: UciPackage): string {
  let out = '';
  p.sections.forEach((s, i) => {
    const ref = s.name ?? `@${s.type}[${p.sections.slice(0, i).filter((t) => t.type === s.type).length}]`;
    out += `${p.name}.${ref}=${s.type}\n`;
    for (const o of s.options) out += `${p.name}.${ref}.${o.name}=${items(o.value).map(quote).join(' ')}\n`;
  });
  return out;
}

/** What uci prints for a package, or the parse error line it prints instead. */
function asUci(read: () => UciPackage, render: (p: UciPackage) => string): { exit: number; stdout: string; stderr: string } {
  try {
    return { exit: 0, stdout: render(read()), stderr: '' };
  } catch (e) {
    if (!(e instanceof UciSyntaxError)) throw e;
    return { exit: 1, stdout: '', stderr: `uci: Parse error (${e.reason}) at line ${e.line}, byte ${e.byte}\n` };
  }
}

const READS = new Set(['show', 'export', 'get', 'changes']);
let fileReads = 0;
for (const { id, c } of cases) {
  if (c.delta_files || c.extra_files) continue;
  // the steps before the first one that changes something see the files as written
  const until = c.steps.findIndex((s) => !READS.has(s.args[0]!));
  const steps = c.steps.slice(0, until < 0 ? undefined : until).filter((s) => s.args.length === 2 && (s.args[0] === 'show' || s.args[0] === 'export'));
  const checked = steps.filter((s) => typeof c.files?.[s.args[1]!] === 'string' && !s.args[1]!.includes('.'));
  if (checked.length === 0) continue;
  fileReads++;
  test(`uci conformance ${id}: the reader reads the file as uci does`, () => {
    for (const s of checked) {
      const [cmd, pkg] = s.args as [string, string];
      const got = asUci(() => parseUciText(c.files![pkg]!, pkg), cmd === 'show' ? showText : exportText);
      assert.deepEqual(got, { exit: s.exit, stdout: s.stdout, stderr: s.stderr }, `${cmd} ${pkg}`);
    }
  });
}

test('the corpus has cases that read files (comments, escapes, lists, errors among them)', () => {
  assert.ok(fileReads >= 25, `only ${fileReads} cases read a file before changing it`);
  assert.ok(cases.some((x) => x.id === '144-parse-list-on-string') && cases.some((x) => x.id === '151-parse-comments'));
});

test('every `uci export` the corpus recorded reads back to the same text', () => {
  let n = 0;
  for (const { id, c } of cases) {
    for (const s of c.steps) {
      if (s.exit !== 0 || s.args[0] !== 'export' || s.args.length > 2) continue;
      n++;
      if (s.args.length === 2) {
        assert.equal(exportText(parseUciText(s.stdout, s.args[1]!)), s.stdout, id);
      } else {
        assert.equal([...parseUciExport(s.stdout).values()].map(exportText).join(''), s.stdout, id);
      }
    }
  }
  assert.ok(n >= 40, `${n} exports`);
});

test('uci export of several packages: each package after its line; a config line before any package is refused', () => {
  const all = parseUciExport("package a\n\nconfig s 'x'\n\toption v '1'\n\npackage b-c\n\nconfig t\n\tlist l 'p'\n\n");
  assert.deepEqual([...all.keys()], ['a', 'b-c']);
  assert.deepEqual(all.get('b-c')!.sections, [{ name: null, type: 't', options: [{ name: 'l', value: ['p'] }] }]);
  assert.throws(() => parseUciExport("config s 'x'\n"), /attempting to import a file without a package name at line 1, byte 0/);
  assert.deepEqual(parseUciText('', 'empty'), { name: 'empty', sections: [] });
});

/** The double's `export PKG` of `text` as a config file (its parser is file.c's, kept byte for byte). */
function doubleExport(text: string): { exit: number; stdout: string; stderr: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'uci-reader-'));
  try {
    mkdirSync(join(tmp, 'config'));
    writeFileSync(join(tmp, 'config', 'p'), text, 'latin1');
    return runUci(['export', 'p'], { confdir: join(tmp, 'config'), savedir: join(tmp, 'delta'), stdin: '', cwd: tmp });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

test('random UCI-like texts read as the uci double reads them (values, or the same error at the same place)', () => {
  const piece = fc.constantFrom(
    'config', 'option', 'list', 'package', 'c', 'o', 'l', 'p', 'frob', 's', 'x', 'a', 'b', 'cfg01b618', 'bad-name', 'v.1',
    ' ', ' ', '\t', '\n', '\n', '\n\t', '\r\n', ';', '#', "'", '"', '\\', '\\\n', '\\\r\n', "'q w'", '"d\\"q"', "it'\\''s", "''", '\x01~', '',
  );
  const statement = fc.constantFrom('\nconfig s x', '\nconfig s', "\n\toption a 'v'", '\n\tlist a w', '\n\toption a', '\nconfig t x', '\nconfig s cfg01b618', '\nconfig t cfg02b618');
  const text = fc.array(fc.oneof(piece, statement), { maxLength: 24 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(text, (t) => {
      assert.deepEqual(asUci(() => parseUciText(t, 'p'), exportText), doubleExport(t), JSON.stringify(t));
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
  );
});
