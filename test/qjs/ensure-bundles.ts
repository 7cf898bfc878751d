// The tests of the bundles need dist/ (npm test builds it first); when run alone, build once.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const NODE_BUNDLE = join(ROOT, 'dist', 'dlan-agent.js');
export const QJS_BUNDLE = join(ROOT, 'dist', 'dlan-agent.qjs.js');

export function ensureBundles(): void {
  if (existsSync(NODE_BUNDLE) && existsSync(QJS_BUNDLE)) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'build', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}
