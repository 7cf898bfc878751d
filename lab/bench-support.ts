// Shared by the lab benchmarks (bench/convergence.ts, failover.ts, throughput.ts): reuse a running,
// converged lab or bring one up (and then take it down at the end), print tables.
import { labDown, labUp } from './lab.ts';
import { alivePid } from './daemons.ts';
import { preflight } from './preflight.ts';
import { acquireLabLock, releaseLabLock } from './lab-lock.ts';
import { ospfNotConverged } from './probes.ts';
import { ROUTERS } from './topology.ts';

/** Runs `body` on a converged lab; a lab started here is removed afterwards. */
export async function withLab(body: () => Promise<void>): Promise<void> {
  preflight({ install: false });
  await acquireLabLock(15 * 60_000, (m) => console.error(`bench: ${m}`));
  const running = ROUTERS.every((r) => alivePid(`holder-${r.name}`) !== null) && ospfNotConverged().length === 0;
  if (!running) {
    console.error('bench: bringing the lab up');
    await labUp({ install: false, log: (m) => console.error(`lab: ${m}`) });
  } else {
    console.error('bench: using the running lab');
  }
  try {
    await body();
  } finally {
    if (!running) await labDown();
    releaseLabLock();
  }
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line(r.map(String)))].join('\n');
}

export function stats(values: number[]): { min: number; median: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0] ?? NaN, median: s[Math.floor(s.length / 2)] ?? NaN, max: s[s.length - 1] ?? NaN };
}

export function mainOf(body: () => Promise<void>): void {
  body().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`bench: ${e.stack ?? e.message}`);
      process.exit(1);
    },
  );
}
