import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseUciText } from '../../agent/base/parse-uci-text.ts';
import { quoteUci, validateName, validateValue } from '../../agent/base/uci-syntax.ts';
import { getOption } from '../../agent/backend/openwrt/uci/uci-model.ts';
import { stockDir } from './support/openwrt-root.ts';

test('the stock dhcp file parses like uci reads it (comments, tabs, unquoted values, anonymous section)', () => {
  const pkg = parseUciText(readFileSync(join(stockDir, 'etc', 'config', 'dhcp'), 'utf8'), 'dhcp');
  assert.deepEqual(
    pkg.sections.map((s) => [s.type, s.name]),
    [
      ['dnsmasq', null],
      ['dhcp', 'lan'],
      ['dhcp', 'wan'],
    ],
  );
  const dnsmasq = pkg.sections[0]!;
  assert.equal(getOption(dnsmasq, 'filterwin2k'), '0');
  assert.equal(getOption(dnsmasq, 'local'), '/lan/');
  assert.equal(getOption(dnsmasq, 'localservice'), '1');
  assert.equal(getOption(dnsmasq, 'rebind_domain'), undefined, 'a commented-out list is not a list');
});

test('a list line after an option of the same name keeps the option\'s value, as uci reads it (uci conformance 144)', () => {
  const pkg = parseUciText("config s 'x'\n\toption a 'b'\n\tlist a 'c'\n\toption l 'x'\n", 'bad');
  assert.deepEqual(pkg.sections[0]!.options, [
    { name: 'a', value: ['b', 'c'] },
    { name: 'l', value: 'x' },
  ]);
});

test('the stock firewall keeps list values in order', () => {
  const pkg = parseUciText(readFileSync(join(stockDir, 'etc', 'config', 'firewall'), 'utf8'), 'firewall');
  const wan = pkg.sections.find((s) => s.type === 'zone' && getOption(s, 'name') === 'wan')!;
  assert.deepEqual(getOption(wan, 'network'), ['wan', 'wan6']);
});

test('quoting: uci escapes and concatenations read back to the original text', () => {
  const values = ["it's", 'back\\slash', 'a "quoted" word', "''", 'x; y # z', '$(reboot)', '\\\'\\'];
  const text = `package t\n\nconfig s 'x'\n${values.map((v, i) => `\toption o${i} ${quoteUci(v)}`).join('\n')}\n`;
  const s = parseUciText(text, 't').sections[0]!;
  values.forEach((v, i) => assert.equal(getOption(s, `o${i}`), v));
  const mixed = parseUciText(`config s x\n\toption a "dq \\" \\\\ end"\n\toption b 'it'\\''s'\n\toption c un\\ quoted\n`, 't').sections[0]!;
  assert.equal(getOption(mixed, 'a'), 'dq " \\ end');
  assert.equal(getOption(mixed, 'b'), "it's");
  assert.equal(getOption(mixed, 'c'), 'un quoted');
});

test('names and values that would inject UCI syntax are refused', () => {
  assert.throws(() => validateName('section', 'lan; delete'), /invalid UCI section name/);
  assert.throws(() => validateName('option', 'a.b'), /invalid UCI option name/);
  assert.throws(() => validateValue('x', 'line\nconfig evil'), /control character/);
  assert.equal(validateValue('x', "fine 'quoted' value"), "fine 'quoted' value");
});
