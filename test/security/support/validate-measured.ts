// Child process for the bounds tests: validates PATH like `dlan-agent validate` and prints one
// JSON line with the outcome, the wall time of loading and the process's peak RSS.
import { createNodeHost } from '../../../agent/host/node-host.ts';
import { loadConfigAt } from '../../../agent/load/load-config-at.ts';

const path = process.argv[2]!;
const t0 = performance.now();
const r = await loadConfigAt(createNodeHost(), path);
const ms = performance.now() - t0;
const diagnostics = r.ok ? [] : r.diagnostics;
process.stdout.write(
  `${JSON.stringify({ ok: r.ok, count: diagnostics.length, messages: diagnostics.map((d) => `${d.file}:${d.line}: ${d.path}: ${d.message}`.slice(0, 300)), ms, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
