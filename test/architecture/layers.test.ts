// Layers flow one way (issue #14): a folder of agent/ imports only from its own folder or from a
// lower layer, never from a higher one, so each floor can be read, tested and bundled without the
// floors above it. The order below is the one the real import graph allows; why each floor sits
// where it does:
//   base      diagnostics with their paths, address parsing and arithmetic, safe tokens, base64,
//             reading and writing UCI text, the /etc/dlan path table: pure, used everywhere,
//             imports nothing of the agent.
//   host      the effect interface (files, exec, log, git, HTTP) and its node/QuickJS
//             implementations; the program is assembled above, next to agent/cli/main*.ts.
//   config    the config format: types, YAML parsing, source positions, normalisation.
//   model     mesh facts derived from config values (link numbering, endpoints, reverse zones).
//   slice     one router's desired state, computed from the config.
//   secrets   the age format and sealed link keys; opening them needs the slice's links.
//   validate  the schema and semantic rules; the sealed-secret rule reads the age format.
//   load      read + parse + validate + normalise: the one orchestration above config and validate.
//   render    daemon config files (bird, nginx, wg-quick, graph) from a slice.
//   settings  the agent's own settings file (uci or yaml).
//   backend   plan, apply, snapshot, roll back on OpenWrt (uci) and Debian (files).
//   gitops    the pull cycle: fetch, verify, load, slice, apply, confirm, roll back, report.
//   review    what a config change would do on each router (an admin-side command's core).
//   cli       the commands and the two entries that assemble the program (node, QuickJS).
// agent/core.ts, the pure library facade, sits above every folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const LAYERS = ['base', 'host', 'config', 'model', 'slice', 'secrets', 'validate', 'load', 'render', 'settings', 'backend', 'gitops', 'review', 'cli'] as const;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The layer of a path relative to the repo (`agent/<folder>/...`); files right in agent/ are the top. */
function layerOf(file: string): number {
  const parts = file.split('/');
  if (parts.length === 2) return LAYERS.length;
  const at = (LAYERS as readonly string[]).indexOf(parts[1]!);
  if (at < 0) throw new Error(`${file}: folder agent/${parts[1]} has no place in LAYERS (test/architecture/layers.test.ts): give it one`);
  return at;
}

/** Every relative import of every file, as `from -> to` (repo-relative paths). */
export function importArrows(files: Record<string, string>): [string, string][] {
  const arrows: [string, string][] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      arrows.push([file, normalize(join(dirname(file), imported.fileName))]);
    }
  }
  return arrows;
}

/** Arrows from a lower layer to a higher one, as readable lines. */
export function upwardArrows(files: Record<string, string>): string[] {
  return importArrows(files)
    .filter(([from, to]) => to.startsWith('agent/') && layerOf(to) > layerOf(from))
    .map(([from, to]) => `${from} (${LAYERS[layerOf(from)] ?? 'top'}) imports ${to} (${LAYERS[layerOf(to)] ?? 'top'})`);
}

function agentSources(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|mjs)$/.test(e.name)) out[relative(ROOT, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(join(ROOT, 'agent'));
  return out;
}

test('no folder of agent/ imports from a higher layer', () => {
  assert.deepEqual(upwardArrows(agentSources()), []);
});

test('every folder of agent/ has a layer', () => {
  for (const file of Object.keys(agentSources())) assert.doesNotThrow(() => layerOf(file), file);
});

test('the check sees an upward arrow, type-only and re-exports included', () => {
  const files = {
    'agent/config/a.ts': "import type { X } from '../validate/x.ts';\n",
    'agent/base/b.ts': "export { Y } from '../host/y.ts';\n",
    'agent/cli/c.ts': "import { Z } from '../base/z.ts';\n",
  };
  assert.deepEqual(upwardArrows(files), [
    'agent/config/a.ts (config) imports agent/validate/x.ts (validate)',
    'agent/base/b.ts (base) imports agent/host/y.ts (host)',
  ]);
  assert.throws(() => upwardArrows({ 'agent/nowhere/n.ts': "import '../base/z.ts';\n" }), /agent\/nowhere has no place/);
});
