// Reading the router's packages through `uci export`. Exporting every package at once prints a
// package uci cannot parse as an error on stderr and still exits 0 (uci conformance 154), leaving
// that package out of stdout: it must not read as "no such package".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUciRunner, UciCommandError } from '../../agent/backend/openwrt/uci/uci-runner.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { makeStockRoot, uciDouble } from './support/openwrt-root.ts';

const host = createNodeHost({ log: { log: () => {} } });

test('export of all packages with one broken file: the error names that package, nothing reads as missing', async () => {
  const root = makeStockRoot();
  const firewall = join(root, 'etc', 'config', 'firewall');
  appendFileSync(firewall, "\nconfig zone\n\toption name 'oops\n");
  const uci = createUciRunner(host, { command: [process.execPath, uciDouble], confdir: join(root, 'etc', 'config'), savedir: join(root, 'tmp', 'dlan-uci') });
  await assert.rejects(
    uci.exportAll(['network', 'firewall', 'dhcp']),
    (e: unknown) => e instanceof UciCommandError && /^uci export firewall failed \(exit 1\): uci: Parse error \(EOF with unterminated '\) at line \d+, byte \d+$/.test(e.message),
  );
  const fine = await uci.exportAll(['network', 'dhcp', 'nosuch']);
  assert.deepEqual([...fine.keys()], ['network', 'dhcp', 'nosuch']);
  assert.ok(fine.get('network') && fine.get('dhcp'));
  assert.equal(fine.get('nosuch'), null);
  assert.match(readFileSync(firewall, 'utf8'), /'oops\n$/, 'the file is left as it was');
});
