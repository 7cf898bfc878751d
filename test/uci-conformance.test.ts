// Replays every recorded case of the uci conformance corpus (/work/shared/uci-conformance,
// recorded from the real uci binary) against the TypeScript double: exit code, stdout, stderr,
// the final config files and the final delta files, byte for byte. A few cases also run through
// the bundled CLI (dist/uci-double.js) as a real process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runUci } from './uci-double/uci.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(root, '..', 'shared', 'uci-conformance');
const casesDir = join(corpus, 'cases');
const cli = join(root, 'dist', 'uci-double.js');

interface Step {
  args: string[];
  stdin: string | null;
  exit: number;
  stdout: string;
  stderr: string;
}

interface Case {
  name: string;
  description: string;
  files?: Record<string, string | null>;
  delta_files?: Record<string, string | null>;
  extra_files?: Record<string, string>;
  steps: Step[];
  final_files: Record<string, string | null>;
  final_delta: Record<string, string | null>;
}

type Runner = (args: string[], stdin: string, dirs: { tmp: string; config: string; delta: string }) => { exit: number; stdout: string; stderr: string };

function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Every file of `dir` plus the names the case mentions (null: absent), like record.py's read_dir. */
function readDir(dir: string, names: string[]): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  for (const n of names) result[n] = null;
  if (existsSync(dir)) {
    for (const n of readdirSync(dir)) {
      const full = join(dir, n);
      if (statSync(full).isFile()) result[n] = readFileSync(full, 'utf8');
    }
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Sets up the case in a fresh directory exactly as record.py does, runs it, compares everything. */
function replay(c: Case, run: Runner): void {
  const tmp = mkdtempSync(join(tmpdir(), 'uci-conf-'));
  try {
    const config = join(tmp, 'config');
    const delta = join(tmp, 'delta');
    mkdirSync(config);
    mkdirSync(join(tmp, 'home'));
    for (const [name, content] of Object.entries(c.files ?? {})) if (content !== null) writeFile(join(config, name), content);
    for (const [name, content] of Object.entries(c.delta_files ?? {})) if (content !== null) writeFile(join(delta, name), content);
    for (const [rel, content] of Object.entries(c.extra_files ?? {})) writeFile(join(tmp, rel), content.split('{TMP}').join(tmp));

    const steps = c.steps.map((step) => {
      const args = step.args.map((a) => a.split('{TMP}').join(tmp));
      const stdin = (step.stdin ?? '').split('{TMP}').join(tmp);
      const r = run(args, stdin, { tmp, config, delta });
      return {
        args: step.args,
        exit: r.exit,
        stdout: r.stdout.split(tmp).join('{TMP}'),
        stderr: r.stderr.split(tmp).join('{TMP}'),
      };
    });
    const expectedSteps = c.steps.map((s) => ({ args: s.args, exit: s.exit, stdout: s.stdout, stderr: s.stderr }));
    assert.deepEqual(steps, expectedSteps, `${c.name}: step results differ`);

    const pkgs = Object.keys(c.files ?? {});
    assert.deepEqual(readDir(config, pkgs), c.final_files, `${c.name}: final config files differ`);
    const deltaNames = [...pkgs, ...Object.keys(c.delta_files ?? {})];
    assert.deepEqual(readDir(delta, deltaNames), c.final_delta, `${c.name}: final delta files differ`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const inProcess: Runner = (args, stdin, d) => runUci(args, { confdir: d.config, savedir: d.delta, stdin, cwd: d.tmp });

/** Runs the bundled executable itself (shebang, file mode) with a minimal environment. */
function spawnCli(args: string[], stdin: string, d: { tmp: string }, env: Record<string, string>): { exit: number; stdout: string; stderr: string } {
  const r = spawnSync(cli, args, {
    input: stdin,
    cwd: d.tmp,
    env: { HOME: join(d.tmp, 'home'), PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, LC_ALL: 'C', ...env },
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { exit: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The recorder's command line (-c/-t first); UCI_SAVEDIR keeps the default save dir in the sandbox. */
const asProcess: Runner = (args, stdin, d) => spawnCli(['-c', d.config, '-t', d.delta, ...args], stdin, d, { UCI_SAVEDIR: d.delta });

/** The env fallback: no -c/-t, UCI_CONFDIR/UCI_SAVEDIR name the sandbox instead. */
const asProcessWithEnv: Runner = (args, stdin, d) => spawnCli(args, stdin, d, { UCI_CONFDIR: d.config, UCI_SAVEDIR: d.delta });

const caseFiles = readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort();
const cases = caseFiles.map((f) => ({ file: f, c: JSON.parse(readFileSync(join(casesDir, f), 'utf8')) as Case }));

test('the corpus is complete (175 recorded cases)', () => {
  assert.equal(cases.length, 175);
});

for (const { file, c } of cases) {
  test(`uci conformance ${file.replace(/\.json$/, '')}: ${c.description}`, () => replay(c, inProcess));
}

// A few cases through the bundled executable: argv, stdin, exit codes, shebang and file mode.
const viaCli = ['017-get-bad-syntax', '033-set-single-quote', '037-set-unicode', '088-add-invalid-type-dropped', '105-extra-delta-path-p', '108-batch-basic', '111-batch-errors-continue', '125-batch-stdin-file-f'];
for (const stem of viaCli) {
  test(`uci conformance via dist/uci-double.js: ${stem}`, () => {
    assert.ok(existsSync(cli), `${cli} is missing: run \`node build/build.mjs\` (npm test does)`);
    const found = cases.find((x) => x.file === `${stem}.json`);
    assert.ok(found, `case ${stem} not in the corpus`);
    replay(found.c, asProcess);
  });
}

test('uci conformance via dist/uci-double.js with UCI_CONFDIR/UCI_SAVEDIR instead of -c/-t', () => {
  assert.ok(existsSync(cli), `${cli} is missing: run \`node build/build.mjs\` (npm test does)`);
  for (const stem of ['021-set-option-existing', '094-commit-one-of-two']) {
    const found = cases.find((x) => x.file === `${stem}.json`);
    assert.ok(found, `case ${stem} not in the corpus`);
    replay(found.c, asProcessWithEnv);
  }
});
