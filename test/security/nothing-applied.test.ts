// A hostile or invalid config never reaches the router: `dlan-agent apply` through the real CLI,
// on a stock OpenWrt root with the uci test double, exits 1 with the reason and leaves every file
// of the root byte-identical (content, mode, and no file added or removed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../../agent/cli/run-cli.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import type { CliContext } from '../../agent/cli/cli-context.ts';
import { makeStockRoot, seedKey, uciDouble } from '../backend-openwrt/support/openwrt-root.ts';
import { ROOT } from '../validate/validate-support.ts';

/** path → mode and sha256 of every file and folder under `dir`. */
function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      const rel = relative(dir, p);
      if (st.isDirectory()) {
        out.set(`${rel}/`, st.mode.toString(8));
        walk(p);
      } else out.set(rel, `${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out;
}

async function apply(config: string, router: string, root: string) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { host: createNodeHost(), stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, version: 'test' };
  const saved = process.env.DLAN_UCI;
  process.env.DLAN_UCI = uciDouble;
  try {
    const code = await runCli(['apply', config, '--router', router, '--root', root, '--backend', 'openwrt', '--reload'], ctx);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    if (saved === undefined) delete process.env.DLAN_UCI;
    else process.env.DLAN_UCI = saved;
  }
}

const FIXTURES = join(ROOT, 'test', 'fixtures', 'invalid');
const CASES: [string, RegExp][] = [
  ['injection-in-domain', /is not a valid domain/],
  ['injection-in-lease-name', /is not a valid host name/],
  ['injection-in-endpoint', /is not a valid endpoint/],
  ['router-named-uci-keyword', /is not a valid router name/],
  ['alias-bomb', /alias/],
  ['deep-nesting', /nested too deeply/],
  ['non-utf8-bytes', /not valid UTF-8/],
  ['psk-plaintext-on-link', /only accepted sealed/],
  ['sealed-for-old-recipient', /sealed for an old age_recipient/],
  ['age-identity-in-comment', /age identity/],
  ['router-file-yaml-and-yml', /defined twice/],
];

test('apply refuses hostile configs and leaves the router root byte-identical', async () => {
  const root = makeStockRoot();
  seedKey(root, 'r1');
  const before = fingerprint(root);
  for (const [name, why] of CASES) {
    const r = await apply(join(FIXTURES, name), 'home', root);
    assert.equal(r.code, 1, `${name}: exit ${r.code}\n${r.out}${r.err}`);
    assert.match(r.err, why, name);
    assert.deepEqual(fingerprint(root), before, `${name} changed the root`);
  }
});

test('apply with a 10 000-router config, or for a router the config does not define, changes nothing', async () => {
  const root = makeStockRoot();
  seedKey(root, 'r1');
  const before = fingerprint(root);
  const dir = mkdtempSync(join(tmpdir(), 'dlan-big-'));
  const lines = ['version: 1', 'routers:'];
  for (let i = 1; i <= 10_000; i++) lines.push(`  r${i}: { id: ${i}, public_key: r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=, wan: [ { device: eth0 } ] }`);
  writeFileSync(join(dir, 'dlan.yaml'), `${lines.join('\n')}\n`);
  const big = await apply(dir, 'r1', root);
  assert.equal(big.code, 1);
  assert.match(big.err, /must be below `addressing\.max_routers`|does not fit|is larger than 1 MiB/);
  assert.deepEqual(fingerprint(root), before);
  const unknown = await apply(join(ROOT, 'examples', 'reference'), 'nosuch', root);
  assert.equal(unknown.code, 1, unknown.out);
  assert.match(unknown.err, /nosuch/);
  assert.deepEqual(fingerprint(root), before);
});
