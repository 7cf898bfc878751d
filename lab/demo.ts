// `npm run demo`: brings the reference network up in network namespaces (installing the Debian
// packages it needs), waits for convergence, prints every router's status and the server ×
// server connectivity matrix, and leaves the lab running. `npm run demo -- down` removes it all.
import { labDown, labUp } from './lab.ts';
import { PreflightError, preflight } from './preflight.ts';
import { acquireLabLock, releaseLabLock } from './lab-lock.ts';
import { formatMatrix } from './probes.ts';
import { allStatus } from './status.ts';
import { ALL_NAMESPACES, LAB_DIR } from './topology.ts';

const log = (m: string) => console.log(`lab: ${m}`);

async function main(): Promise<number> {
  const cmd = process.argv[2] ?? 'up';
  if (cmd === 'down') {
    preflight({ install: false });
    await acquireLabLock(0);
    await labDown(log).finally(releaseLabLock);
    log('removed');
    return 0;
  }
  if (cmd === 'status') {
    console.log(allStatus());
    return 0;
  }
  if (cmd !== 'up') {
    console.error('usage: npm run demo [-- up|down|status]');
    return 2;
  }
  // A test or benchmark owning the lab would be torn down under its feet: refuse while it runs.
  preflight({ install: true, log });
  await acquireLabLock(0);
  const up = await labUp({ install: false, log }).finally(releaseLabLock);
  console.log(`\nconverged ${(up.convergedMs / 1000).toFixed(1)} s after the first apply\n`);
  console.log(allStatus());
  console.log('\nconnectivity (servers and router loopbacks):');
  console.log(formatMatrix(up.matrix));
  console.log(`\nThe lab keeps running: namespaces ${ALL_NAMESPACES.join(' ')}; files in ${LAB_DIR}.`);
  console.log('Try: ip netns exec dlan-s1 ping 10.1.1.4 ; remove it with: npm run demo -- down');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e instanceof PreflightError ? `demo: cannot run the lab here: ${e.message}` : `demo: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
