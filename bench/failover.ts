// Failover outage on the reference lab: S1 pings S2 (every 10 ms) while R4's WAN is cut, without
// and with BFD; R4 comes back between runs. Printed table, not a test.
// Run as root: node --import tsx bench/failover.ts [runs]
import { withLab, table, stats, mainOf } from '../lab/bench-support.ts';
import { pushChange, r4Failover, waitForBfd } from '../lab/scenarios.ts';
import { sleep } from '../lab/run.ts';

const RUNS = Number(process.argv[2] ?? 3);

mainOf(() =>
  withLab(async () => {
    const rows: (string | number)[][] = [];
    for (const bfd of [false, true]) {
      await pushChange(`Bench: BFD ${bfd ? 'on' : 'off'}`, (doc) => doc.setIn(['ospf', 'bfd'], bfd));
      if (bfd) await waitForBfd(60_000);
      await sleep(3000);
      const outages: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await r4Failover({ intervalMs: 10, durationMs: bfd ? 6000 : 12_000 });
        outages.push(r.outageMs);
        console.error(`bench: BFD ${bfd ? 'on' : 'off'} run ${i + 1}: ${r.outageMs} ms (${r.received}/${r.sent}), via ${r.before} → ${r.during} → ${r.after}`);
        await sleep(3000);
      }
      const s = stats(outages);
      rows.push([bfd ? 'on (200 ms × 5)' : 'off (hello 1 s, dead 4 s)', RUNS, s.min, s.median, s.max]);
    }
    console.log('\nFailover outage S1 → S2 while R4 is cut (ms without replies, ping every 10 ms)\n');
    console.log(table(['BFD', 'runs', 'min', 'median', 'max'], rows));
  }),
);
