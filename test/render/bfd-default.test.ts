// BFD is on by default (issue #8): a config that does not mention it gets a BFD session on every
// link in bird.conf, with the configured timers, and both backends' firewalls let it in on the
// tunnel side (the VXLAN devices) while the WAN stays closed to it. Real packets through BFD are
// the lab's part (test/e2e: every session Up on every router).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { renderBirdConf } from '../../agent/render/bird/render-bird-conf.ts';
import { renderUciFirewall } from '../../agent/backend/openwrt/render/render-uci-firewall.ts';
import { renderNftRuleset } from '../../agent/backend/linux/render-nftables.ts';

const reference = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'reference', 'dlan.yaml'), 'utf8');

/** The reference network without its explicit `bfd: false`, plus extra `ospf` lines and link edits. */
function load(ospfExtra = '', edit: (t: string) => string = (t) => t) {
  const text = edit(reference.replace(/^ {2}bfd: false\n/m, ospfExtra));
  const r = loadConfig([{ path: 'dlan.yaml', text }]);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.config;
}

function birdParses(conf: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-bfd-'));
  try {
    writeFileSync(join(dir, 'bird.conf'), conf);
    const r = spawnSync('bird', ['-p', '-c', join(dir, 'bird.conf')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `bird -p refused:\n${r.stdout}${r.stderr}\n${conf}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a config that does not mention bfd gets BFD on every link, 80 ms × 5, in a bird.conf bird accepts', () => {
  assert.match(reference, /^ {2}bfd: false$/m, 'the example writes the format v1 default explicitly');
  const r4 = sliceRouter(load(), 'r4');
  assert.deepEqual(r4.ospf.bfd, { enabled: true, intervalMs: 80, multiplier: 5 });
  const conf = renderBirdConf(r4);
  const bfdBlock = conf.slice(conf.indexOf('protocol bfd dlan_bfd {'), conf.indexOf('protocol ospf'));
  const links = r4.links.map((l) => l.interface);
  assert.equal(links.length, 4, 'R4 has four links (R1, R2, R3, R5)');
  assert.deepEqual([...bfdBlock.matchAll(/interface "([^"]+)"/g)].map((m) => m[1]), links);
  assert.equal(bfdBlock.match(/\t\tinterval 80 ms;\n\t\tmultiplier 5;/g)?.length, 4);
  assert.equal(conf.match(/\t\t\tbfd yes;/g)?.length, 8, 'every link in both OSPF instances');
  birdParses(conf);
});

test('the timers follow ospf.bfd_interval / bfd_multiplier; bfd: false mesh-wide or per link turns sessions off', () => {
  const tuned = renderBirdConf(sliceRouter(load('  bfd_interval: 300\n  bfd_multiplier: 3\n'), 'r2'));
  assert.match(tuned, /\t\tinterval 300 ms;\n\t\tmultiplier 3;/);
  birdParses(tuned);
  const off = sliceRouter(load('  bfd: false\n'), 'r2');
  assert.deepEqual(off.ospf.bfd.enabled, false);
  assert.doesNotMatch(renderBirdConf(off), /bfd/);
  // The R2–R3 link alone without BFD (a bufferbloated home path, say): R2 keeps it on R4 and R5.
  const oneOff = sliceRouter(load('', (t) => t.replace('    cost: 5\n', '    cost: 5\n    bfd: false\n')), 'r2');
  assert.deepEqual(oneOff.ospf.ptpInterfaces.map((p) => [p.interface, p.bfd]), [['dlan_vx3', false], ['dlan_vx4', true], ['dlan_vx5', true]]);
  const conf = renderBirdConf(oneOff);
  assert.deepEqual([...conf.slice(0, conf.indexOf('protocol ospf')).matchAll(/interface "([^"]+)"/g)].map((m) => m[1]), ['dlan_vx4', 'dlan_vx5']);
  birdParses(conf);
});

test('a link may carry its own BFD timers: bird gets them for that interface only, the others keep the mesh-wide ones', () => {
  const config = load('', (t) => t.replace('    cost: 5\n', '    cost: 5\n    bfd_interval: 250\n'));
  const r2 = sliceRouter(config, 'r2');
  const link = r2.ospf.ptpInterfaces.find((p) => p.interface === 'dlan_vx3')!;
  assert.deepEqual(link.bfdTimers, { intervalMs: 250, multiplier: 5 }, 'the multiplier comes from ospf');
  assert.equal(r2.ospf.ptpInterfaces.filter((p) => p.bfdTimers).length, 1);
  const conf = renderBirdConf(r2);
  assert.match(conf, /\tinterface "dlan_vx3" \{\n\t\tinterval 250 ms;\n\t\tmultiplier 5;/);
  assert.match(conf, /\tinterface "dlan_vx4" \{\n\t\tinterval 80 ms;\n\t\tmultiplier 5;/);
  birdParses(conf);
  // Both ends of the link get the same timers (BFD negotiates, but the config says what is meant).
  assert.deepEqual(sliceRouter(config, 'r3').ospf.ptpInterfaces.find((p) => p.interface === 'dlan_vx2')!.bfdTimers, { intervalMs: 250, multiplier: 5 });
  assert.equal(sliceRouter(load(), 'r2').ospf.ptpInterfaces.some((p) => 'bfdTimers' in p), false, 'absent without link timers');
});

test('both firewalls take BFD in on the VXLAN devices and open nothing for it on the WAN', () => {
  const r4 = sliceRouter(load(), 'r4');
  const links = r4.links.map((l) => l.interface);
  // OpenWrt: the tunnel zone holds every VXLAN device and accepts input; no WAN rule names 3784/3785.
  const uci = renderUciFirewall(r4);
  const zone = uci.find((s) => s.name === 'dlan_zone_tunnel')!;
  const opt = (k: string) => zone.options.find(([key]) => key === k)?.[1];
  assert.deepEqual(opt('device'), [r4.wireguard.interface, ...links]);
  assert.equal(opt('input'), 'ACCEPT');
  const wanRules = uci.filter((s) => s.type === 'rule').map((s) => s.options.find(([k]) => k === 'dest_port')?.[1]);
  assert.ok(!wanRules.includes('3784') && !wanRules.includes('3785'), `WAN rules: ${wanRules}`);
  // Linux: input is filtered on the WAN devices only (policy accept for the rest); no port 3784 opened.
  const nft = renderNftRuleset(r4);
  const input = nft.slice(nft.indexOf('chain input {'), nft.indexOf('chain wan_input {'));
  assert.match(input, /policy accept;/);
  const filtered = [...input.matchAll(/iifname (.+?) (jump|drop|reject)/g)].map((m) => m[1]!);
  assert.ok(filtered.length > 0, 'the WAN is filtered');
  for (const dev of links) assert.ok(filtered.every((f) => !f.includes(`"${dev}"`)), `${dev} is not filtered on input: ${filtered}`);
  assert.doesNotMatch(nft, /\b378[45]\b/);
});
