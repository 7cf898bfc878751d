// Values with quotes, backslashes and UCI punctuation go through `uci batch` and a commit, and come
// back byte for byte: in the committed file, in `uci export`, and in `uci get`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyUciPlans } from '../../agent/backend/openwrt/apply/apply-uci-plans.ts';
import { planUciPackage } from '../../agent/backend/openwrt/plan/plan-uci-package.ts';
import { parseUciText } from '../../agent/base/parse-uci-text.ts';
import { getOption } from '../../agent/backend/openwrt/uci/uci-model.ts';
import { createUciRunner } from '../../agent/backend/openwrt/uci/uci-runner.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { makeStockRoot, uci, uciDouble } from './support/openwrt-root.ts';

const host = createNodeHost({ log: { log: () => {} } });

async function roundTrip(values: string[], list: string[]): Promise<void> {
  const root = makeStockRoot();
  const runner = createUciRunner(host, { command: [process.execPath, uciDouble], confdir: join(root, 'etc', 'config'), savedir: join(root, 'tmp', 'dlan-uci') });
  const current = (await runner.export('system'))!;
  const p = planUciPackage({
    pkg: 'system',
    current,
    ledger: undefined,
    mode: 'apply',
    rendered: [{ name: 'dlan_q', type: 'quoting', options: [...values.map((v, i): [string, string] => [`o${i}`, v]), ['l', list]] }],
    replace: [],
  });
  await applyUciPlans(host, runner, join(root, 'etc', 'config'), [p]);
  const file = parseUciText(readFileSync(join(root, 'etc', 'config', 'system'), 'utf8'), 'system').sections.find((s) => s.name === 'dlan_q')!;
  const exported = (await runner.export('system'))!.sections.find((s) => s.name === 'dlan_q')!;
  values.forEach((v, i) => {
    assert.equal(getOption(file, `o${i}`), v, 'committed file');
    assert.equal(getOption(exported, `o${i}`), v, 'uci export');
    assert.equal(uci(root, ['get', `system.dlan_q.o${i}`]).stdout, `${v}\n`, 'uci get');
  });
  assert.deepEqual(getOption(file, 'l'), list.length ? list : undefined);
}

test('quotes, backslashes and UCI punctuation round-trip through uci batch and commit', async () => {
  await roundTrip(["it's", "'", "''", '\\', '\\\\n', 'say "hi"', "mixed 'single' and \"double\" \\ back", 'a;b # c', '$(reboot) `id`', ' leading and trailing ', 'ünïcødé ✓'], ["o'ne", 't\\wo', 'th"ree']);
});

test('any printable value round-trips (property)', async () => {
  const printable = fc.string({ unit: fc.constantFrom(..."ab '\"\\;#$`=.-_ xyzé✓".split('')), minLength: 1, maxLength: 24 });
  await fc.assert(
    fc.asyncProperty(fc.array(printable, { minLength: 1, maxLength: 4 }), fc.array(printable, { maxLength: 3 }), (values, list) => roundTrip(values, list)),
    { numRuns: 8 },
  );
});
