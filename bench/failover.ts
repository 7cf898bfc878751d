// Failover outage on the reference lab, measured with real packets (a ping every 10 ms, the
// longest gap without replies): (a) the hub dies: R4's WAN is cut while S1 pings S2 (R1 and R2
// reroute through R5); (b) one link dies: the R2–R3 path is cut (R2 drops every packet to and
// from R3's address) while S2 pings S5, both routers stay up (R2 and R3 reroute through R4/R5).
// Each with dlan's default BFD and with BFD off (OSPF hello 1 s / dead 4 s alone), or with the
// settings given (`default`, `off`, INTERVALxMULTIPLIER). Printed table, not a test.
// Run as root: node --import tsx bench/failover.ts [runs] [default|off|100x3 ...]
import { withLab, table, stats, mainOf } from '../lab/bench-support.ts';
import { pushChange, r2r3LinkFailover, r4Failover, waitForBfd, type FailoverResult } from '../lab/scenarios.ts';
import { sleep } from '../lab/run.ts';
import { DEFAULTS } from '../agent/config/config-types.ts';

const RUNS = Number(process.argv[2] ?? 3);

interface Setting {
  label: string;
  bfd: boolean;
  /** Timers written to the config; null = the defaults (keys absent). */
  timers: { interval: number; multiplier: number } | null;
}

const DEFAULT: Setting = { label: `on, default ${DEFAULTS.ospf.bfd_interval} ms × ${DEFAULTS.ospf.bfd_multiplier}`, bfd: true, timers: null };
const OFF: Setting = { label: `off (hello ${DEFAULTS.ospf.hello} s, dead ${DEFAULTS.ospf.dead} s)`, bfd: false, timers: null };

/** `default`, `off` or INTERVALxMULTIPLIER (e.g. 100x3); none given: default and off. */
function setting(arg: string): Setting {
  if (arg === 'default') return DEFAULT;
  if (arg === 'off') return OFF;
  const m = /^(\d+)x(\d+)$/.exec(arg);
  if (!m) throw new Error(`a setting is default, off or INTERVALxMULTIPLIER (e.g. 100x3), not ${arg}`);
  return { label: `on, ${m[1]} ms × ${m[2]}`, bfd: true, timers: { interval: Number(m[1]), multiplier: Number(m[2]) } };
}

const SETTINGS = process.argv.length > 3 ? process.argv.slice(3).map(setting) : [DEFAULT, OFF];

const CASES: { name: string; run: (o: { intervalMs: number; durationMs: number }) => Promise<FailoverResult> }[] = [
  { name: 'hub R4 dies (S1 → S2)', run: r4Failover },
  { name: 'link R2–R3 dies (S2 → S5)', run: r2r3LinkFailover },
];

mainOf(() =>
  withLab(async () => {
    const rows: (string | number)[][] = [];
    for (const s of SETTINGS) {
      await pushChange(`Bench: BFD ${s.label}`, (doc) => {
        // BFD on = the default: the key is absent, as in a config that does not mention it.
        if (s.bfd) doc.deleteIn(['ospf', 'bfd']);
        else doc.setIn(['ospf', 'bfd'], false);
        if (s.timers) {
          doc.setIn(['ospf', 'bfd_interval'], s.timers.interval);
          doc.setIn(['ospf', 'bfd_multiplier'], s.timers.multiplier);
        } else {
          doc.deleteIn(['ospf', 'bfd_interval']);
          doc.deleteIn(['ospf', 'bfd_multiplier']);
        }
      });
      if (s.bfd) await waitForBfd(60_000);
      await sleep(3000);
      for (const c of CASES) {
        const outages: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const r = await c.run({ intervalMs: 10, durationMs: s.bfd ? 6000 : 12_000 });
          outages.push(r.outageMs);
          console.error(`bench: ${c.name}, BFD ${s.label}, run ${i + 1}: ${r.outageMs} ms (${r.received}/${r.sent}), via ${r.before} → ${r.during} → ${r.after}`);
          if (s.bfd) await waitForBfd(60_000);
          await sleep(3000);
        }
        const st = stats(outages);
        rows.push([c.name, s.label, RUNS, Math.round(st.min), Math.round(st.median), Math.round(st.max)]);
      }
    }
    console.log('\nFailover outage (ms without replies, ping every 10 ms)\n');
    console.log(table(['failure', 'BFD', 'runs', 'min', 'median', 'max'], rows));
  }),
);
