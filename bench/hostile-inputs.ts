// How long refusing hostile configs takes and how much memory it needs (each in its own child
// process with a capped heap, as the security test runs them), with a valid config of the same
// order of size as the baseline. Printed table, not a test.
// Run: node --import tsx bench/hostile-inputs.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { table } from '../lab/bench-support.ts';
import { HEAP_CAP_MB, hostileDocuments, measure, tenThousandRouterFiles, tenThousandRouters } from '../test/security/support/hostile-configs.ts';

const ROOT = join(import.meta.dirname, '..');
const cases: [string, Record<string, string>][] = [
  ['baseline: the reference example (valid)', { 'dlan.yaml': readFileSync(join(ROOT, 'examples', 'reference', 'dlan.yaml'), 'utf8') }],
  ['10 000 routers in dlan.yaml', { 'dlan.yaml': tenThousandRouters() }],
  ['10 000 files in routers/', tenThousandRouterFiles()],
  ...hostileDocuments().map(([what, text]): [string, Record<string, string>] => [what, { 'dlan.yaml': text }]),
];
const rows = cases.map(([what, files]) => {
  const m = measure(files);
  return [what, m.ok ? 'accepted' : `refused (${m.count})`, Math.round(m.ms), m.wallMs, m.maxRssMb.toFixed(0)];
});
console.log(`\nValidating hostile configs (child heap capped at ${HEAP_CAP_MB} MB)\n`);
console.log(table(['config', 'outcome', 'load+validate ms', 'process wall ms', 'peak RSS MB'], rows));
