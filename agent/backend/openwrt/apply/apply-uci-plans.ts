// Writes UCI changes the safe way: one `uci batch` per package into dlan-agent's private save
// dir, then every package is read back and compared with what the batch should have produced
// (`uci batch` exits 0 even when a command fails). Only when every package matches is anything
// committed; otherwise the staged changes are dropped and nothing on the router has changed.
import type { Host } from '../../../host/host.ts';
import type { PackagePlan } from '../plan/plan-uci-package.ts';
import { firstPackageDifference } from '../uci/uci-model.ts';
import type { UciRunner } from '../uci/uci-runner.ts';

export class UciApplyError extends Error {
  /** Refused before the first commit: nothing on the router changed (apply-intent.ts puts nothing back). */
  nothingChanged: boolean;
  constructor(message: string, nothingChanged = false) {
    super(message);
    this.name = 'UciApplyError';
    this.nothingChanged = nothingChanged;
  }
}

export async function applyUciPlans(host: Host, uci: UciRunner, confdir: string, plans: PackagePlan[]): Promise<void> {
  const todo = plans.filter((p) => p.commands.length > 0);
  if (todo.length === 0) return;
  const createdFiles: string[] = [];
  const abort = async (message: string): Promise<never> => {
    for (const p of todo) await uci.discard(p.pkg);
    for (const f of createdFiles) await host.files.remove(f);
    throw new UciApplyError(`${message}; nothing was committed`, true);
  };
  for (const p of todo) await uci.discard(p.pkg); // never replay a stale delta of an interrupted run
  for (const p of todo) {
    const file = `${confdir}/${p.pkg}`;
    if ((await host.files.read(file)) === null) {
      // uci cannot create a package; an empty file is one.
      await host.files.write(file, '');
      createdFiles.push(file);
    }
    const r = await uci.batch(p.commands);
    const errors = r.stderr.split('\n').filter((l) => l.trim() !== '');
    if (errors.length) await abort(`uci batch for ${p.pkg} reported: ${errors.join('; ')}`);
    const staged = await uci.export(p.pkg);
    const diff = staged === null ? `${p.pkg} is missing` : firstPackageDifference(staged, p.expected);
    if (diff !== null) await abort(`uci batch for ${p.pkg} did not produce the expected result (${diff})`);
  }
  for (const p of todo) {
    await uci.commit(p.pkg);
    const committed = await uci.export(p.pkg);
    const diff = committed === null ? `${p.pkg} is missing` : firstPackageDifference(committed, p.expected);
    if (diff !== null) throw new UciApplyError(`after commit, ${p.pkg} differs from what was planned (${diff}); use \`dlan-agent restore\``);
  }
}
