// Size budgets of the two bundles (minified bytes on disk). A router's flash is small and the
// QuickJS bundle is parsed at every start, so `npm run build` fails when a budget is exceeded.
// Run alone: `node build/size-budget.mjs` (prints the table, exit 1 when over budget).
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUDGETS = [
  { file: 'dist/dlan-agent.js', maxBytes: 600 * 1024, what: 'node bundle' },
  // The Linux backend and the admin-side commands are stand-ins in this bundle (build/qjs-stubs).
  { file: 'dist/dlan-agent.qjs.js', maxBytes: 400 * 1024, what: 'QuickJS bundle' },
];

/** One row per budget: {file, what, bytes, maxBytes, ok}. A missing file is over budget. */
export function checkSizeBudgets(root, budgets = BUDGETS) {
  return budgets.map((b) => {
    const path = join(root, b.file);
    const bytes = existsSync(path) ? statSync(path).size : null;
    return { ...b, bytes, ok: bytes !== null && bytes <= b.maxBytes };
  });
}

export function formatSizeTable(rows) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  return rows
    .map((r) => `${r.ok ? 'ok  ' : 'OVER'} ${r.what.padEnd(15)} ${r.file.padEnd(24)} ${r.bytes === null ? 'missing' : kb(r.bytes)} / ${kb(r.maxBytes)}`)
    .join('\n');
}

/** Throws when a bundle is missing or over its budget. */
export function enforceSizeBudgets(root, budgets = BUDGETS) {
  const rows = checkSizeBudgets(root, budgets);
  const table = formatSizeTable(rows);
  if (rows.some((r) => !r.ok)) throw new Error(`size budget exceeded:\n${table}`);
  return table;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const rows = checkSizeBudgets(root);
  console.log(formatSizeTable(rows));
  process.exit(rows.every((r) => r.ok) ? 0 : 1);
}
