// Stands in for `uci` in tests: appends its arguments (one JSON array per line) to $DLAN_UCI_LOG,
// optionally runs a test hook first ($DLAN_UCI_HOOK, a module with `before(args)`), then runs the
// uci test double ($DLAN_UCI_TARGET) with the same arguments and stdin and passes its result on.
import { appendFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
if (process.env.DLAN_UCI_LOG) appendFileSync(process.env.DLAN_UCI_LOG, `${JSON.stringify(args)}\n`);
if (process.env.DLAN_UCI_HOOK) {
  const hook = await import(process.env.DLAN_UCI_HOOK);
  await hook.before(args);
}
const input = readFileSync(0);
const r = spawnSync(process.execPath, [process.env.DLAN_UCI_TARGET, ...args], { input });
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
process.exitCode = r.status ?? 1;
