// Removes everything the lab made: every process in a lab namespace (ours and the daemons
// dlan-agent started), the namespaces (their links and the holders' mounts go with them), and
// LAB_DIR. Safe to run on a half-built or absent lab.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { existingNamespaces } from './build-lab.ts';
import { isAlive, run, sleep } from './run.ts';
import { ALL_NAMESPACES, LAB_DIR, NS_PREFIX, paths } from './topology.ts';

function pidsInNamespace(ns: string): number[] {
  const out = run(['ip', 'netns', 'pids', ns]);
  return out.stdout.split(/\s+/).filter(Boolean).map(Number).filter((p) => p > 0 && p !== process.pid);
}

function recordedPids(): number[] {
  try {
    return readdirSync(paths.pids).map((f) => Number(readFileSync(join(paths.pids, f), 'utf8').trim())).filter((p) => p > 0);
  } catch {
    return [];
  }
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      /* already gone */
    }
  }
}

export async function teardownLab(log: (m: string) => void = () => {}): Promise<void> {
  // Only namespaces the lab names (plus leftovers of an older layout with our prefix and a lab pid).
  const have = existingNamespaces();
  const ours = ALL_NAMESPACES.filter((ns) => have.has(ns));
  const pids = [...new Set([...ours.flatMap(pidsInNamespace), ...recordedPids()])];
  log(`stopping ${pids.length} processes`);
  signal(pids, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(100);
  signal(pids.filter(isAlive), 'SIGKILL');
  await sleep(100);
  log(`removing ${ours.length} namespaces`);
  for (const ns of ours) run(['ip', 'netns', 'del', ns]);
  rmSync(LAB_DIR, { recursive: true, force: true });
  const left = [...existingNamespaces()].filter((n) => ALL_NAMESPACES.includes(n) && n.startsWith(NS_PREFIX));
  if (left.length) throw new Error(`namespaces left behind: ${left.join(', ')}`);
}
