// The lab's namespace names are fixed (dlan-r1 …), so only one lab can exist on a machine: a test
// run, a benchmark or the demo takes this lock for as long as it owns the lab, so two runs (two
// `npm test` at once on a shared machine) wait for each other instead of tearing each other down.
import { openSync, closeSync, writeSync, readFileSync, rmSync } from 'node:fs';
import { isAlive, sleep } from './run.ts';

const LOCK = '/run/dlan-lab.lock';

function holder(): number | null {
  try {
    const pid = Number(readFileSync(LOCK, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Waits (bounded) until no other live process holds the lab, then takes it. */
export async function acquireLabLock(timeoutMs: number, log: (m: string) => void = () => {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch {
      const pid = holder();
      if (pid === process.pid) return;
      if (pid === null || !isAlive(pid)) {
        rmSync(LOCK, { force: true }); // a crashed owner
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the lab is in use by process ${pid} (${LOCK}); waited ${Math.round(timeoutMs / 1000)} s`);
      if (!said) log(`the lab is in use by process ${pid}: waiting`);
      said = true;
      await sleep(2000);
    }
  }
}

export function releaseLabLock(): void {
  if (holder() === process.pid) rmSync(LOCK, { force: true });
}
