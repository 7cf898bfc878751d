// DLAN_UCI_HOOK for the batch-failure test: the first time uci runs `batch`, a "concurrent user"
// removes the stock wan6 interface, so dlan-agent's `delete network.wan6` fails inside the batch.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export async function before(args) {
  if (!args.includes('batch')) return;
  const marker = process.env.DLAN_TEST_MARKER;
  if (existsSync(marker)) return;
  writeFileSync(marker, 'done');
  const c = args.indexOf('-c');
  const file = `${args[c + 1]}/network`;
  writeFileSync(file, readFileSync(file, 'utf8').replace(/\nconfig interface 'wan6'\n(\t[^\n]*\n)*/, '\n'));
}
