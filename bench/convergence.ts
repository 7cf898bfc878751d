// Convergence of the reference lab: from the commit (a fresh lab: the config repo's first commit
// with the routers' keys) to full connectivity (every server ↔ every server and loopback, v4+v6),
// and from a routing change (the R2–R3 link removed, then added back) to full connectivity again.
// Printed table, not a test. Run as root: node --import tsx bench/convergence.ts
import { mainOf, table } from '../lab/bench-support.ts';
import { labDown, labUp } from '../lab/lab.ts';
import { preflight } from '../lab/preflight.ts';
import { waitForConvergence } from '../lab/probes.ts';
import { pushChange } from '../lab/scenarios.ts';

mainOf(async () => {
  preflight({ install: false });
  await labDown();
  const rows: (string | number)[][] = [];
  try {
    const t0 = Date.now();
    const up = await labUp({ install: false, log: (m) => console.error(`lab: ${m}`) });
    rows.push(['fresh lab: first commit → full matrix', (up.convergedMs / 1000).toFixed(1), `${up.matrix.length} pings ok`]);
    rows.push(['fresh lab: namespaces + deploy + converge', ((Date.now() - t0) / 1000).toFixed(1), 'includes building the namespaces']);

    let links: unknown;
    const removed = await pushChange('Bench: drop the R2–R3 home link', (doc) => {
      const seq = doc.get('links') as { items: unknown[] };
      links = seq.items.pop();
    });
    const c1 = await waitForConvergence(120_000);
    rows.push(['commit removing a link → full matrix', ((removed.ms + c1.ms) / 1000).toFixed(1), `mode ${removed.mode}`]);
    const added = await pushChange('Bench: R2–R3 home link back', (doc) => {
      (doc.get('links') as { items: unknown[] }).items.push(links);
    });
    const c2 = await waitForConvergence(120_000);
    rows.push(['commit adding the link back → full matrix', ((added.ms + c2.ms) / 1000).toFixed(1), `mode ${added.mode}`]);
  } finally {
    await labDown();
  }
  console.log('\nConvergence of the reference lab (seconds)\n');
  console.log(table(['what', 's', 'note'], rows));
});
