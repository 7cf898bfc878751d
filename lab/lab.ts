// The whole lab in two calls: up (physical lab + deployment + convergence) and down.
import { buildLab } from './build-lab.ts';
import { deployAll } from './deploy.ts';
import { preflight } from './preflight.ts';
import { waitForConvergence, type MatrixCell } from './probes.ts';
import { teardownLab } from './teardown.ts';

export interface LabUpResult {
  convergedMs: number;
  matrix: MatrixCell[];
}

export async function labUp(opts: { install: boolean; convergeTimeoutMs?: number; log?: (m: string) => void }): Promise<LabUpResult> {
  const log = opts.log ?? (() => {});
  preflight({ install: opts.install, log });
  await buildLab(log);
  const start = Date.now();
  const results = deployAll(log);
  const failed = results.filter((r) => r.code !== 0);
  if (failed.length > 0) {
    throw new Error(`dlan-agent failed on ${failed.map((f) => f.router).join(', ')}:\n${failed.map((f) => `--- ${f.router}\n${f.output.trim()}`).join('\n')}`);
  }
  log('waiting for convergence');
  const c = await waitForConvergence(opts.convergeTimeoutMs ?? 120_000);
  return { convergedMs: Date.now() - start, matrix: c.matrix };
}

export async function labDown(log?: (m: string) => void): Promise<void> {
  await teardownLab(log);
}
