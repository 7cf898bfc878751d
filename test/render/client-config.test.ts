// `dlan-agent client-config NAME [PATH]` on examples/roaming-client: the wg-quick file parsed back
// (addresses, DNS, peers and their AllowedIPs for each egress case), no private key in it, an
// unknown name refused; and the file accepted by the real tools: `wg-quick strip` keeps only what
// `wg setconf` takes, which a wireguard-go interface in a scratch network namespace then loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../agent/cli/run-cli.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';

const root = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(root, 'examples', 'roaming-client');
const KEYS = { cloud: 'p76YTxVNO39V9AD8MvnvjagMr9ek7456maNE/C0CdFs=', office: '0rTHbHBSjm2YjFo6OfrtPXyaVSWafYqVvqgkzgJgi2k=' };
const MESH = ['10.1.1.0/24', '10.1.2.0/24', '10.10.0.0/24', '10.20.0.0/24', 'fd00:0:1:1::/64', 'fd00:0:1:2::/64', 'fd12:3456:789a::/64'];
/** The home router's own wg0 addresses (cloud: id 2, office: id 3): its own packets come from there. */
const TUNNEL = { cloud: ['10.1.0.2/32', 'fd00:0:1::2/128'], office: ['10.1.0.3/32', 'fd00:0:1::3/128'] };

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { host: createNodeHost(), stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, version: 'test' });
  return { code, stdout, stderr };
}

type Section = { name: string; keys: Record<string, string[]> };
/** INI sections of a wg-quick file, comments dropped; repeated keys kept in order. */
function parseWgQuick(text: string): Section[] {
  const out: Section[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const head = /^\[(\w+)\]$/.exec(line);
    if (head) {
      out.push({ name: head[1]!, keys: {} });
      continue;
    }
    const kv = /^(\w+)\s*=\s*(.*)$/.exec(line);
    assert.ok(kv && out.length > 0, `not a wg-quick line: ${raw}`);
    (out[out.length - 1]!.keys[kv[1]!] ??= []).push(kv[2]!);
  }
  return out;
}
const list = (v: string[] | undefined) => (v ?? []).flatMap((x) => x.split(',').map((s) => s.trim()));

test('client-config laptop: mesh prefixes to its home router, no private key, the key loaded by PostUp', async () => {
  const r = await cli(['client-config', 'laptop', EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /PrivateKey/);
  const [iface, ...peers] = parseWgQuick(r.stdout);
  assert.equal(iface!.name, 'Interface');
  assert.deepEqual(list(iface!.keys.Address), ['10.1.2.1/32', 'fd00:0:1:2::1/128']);
  assert.deepEqual(list(iface!.keys.DNS), ['10.1.1.2', 'lan'], "the home router's loopback and the mesh domain");
  assert.deepEqual(iface!.keys.MTU, ['1420']);
  assert.deepEqual(iface!.keys.PostUp, ['wg set %i private-key /etc/wireguard/laptop.key']);
  assert.match(r.stdout, /wg genkey > \/etc\/wireguard\/laptop\.key/);
  assert.deepEqual(peers.map((p) => p.name), ['Peer']);
  assert.deepEqual(peers[0]!.keys, { PublicKey: [KEYS.cloud], Endpoint: ['vpn.example.net:51820'], AllowedIPs: [[...MESH, ...TUNNEL.cloud].join(', ')], PersistentKeepalive: ['25'] });
});

test('client-config phone: a second peer, the egress router, takes the internet', async () => {
  const r = await cli(['client-config', 'phone', '--config', EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  const [, home, egress] = parseWgQuick(r.stdout);
  assert.deepEqual(list(home!.keys.AllowedIPs), [...MESH, ...TUNNEL.cloud]);
  assert.deepEqual(egress!.keys.PublicKey, [KEYS.office]);
  assert.deepEqual(egress!.keys.Endpoint, ['198.51.100.20:51820']);
  assert.deepEqual(list(egress!.keys.AllowedIPs), ['0.0.0.0/0', '::/0']);
});

test('client-config tablet: egress = home, so its one peer takes the mesh and the internet', async () => {
  const r = await cli(['client-config', 'tablet', EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  const [iface, ...peers] = parseWgQuick(r.stdout);
  assert.deepEqual(list(iface!.keys.Address), ['10.1.2.5/32', 'fd00:0:1:2::5/128'], 'client id 5 → the 5th address');
  assert.deepEqual(list(iface!.keys.DNS), ['10.1.1.3', 'lan']);
  assert.equal(peers.length, 1);
  assert.deepEqual(list(peers[0]!.keys.AllowedIPs), [...MESH, ...TUNNEL.office, '0.0.0.0/0', '::/0']);
});

test('client-config: an unknown client, a missing name and an invalid config fail clearly', async () => {
  const unknown = await cli(['client-config', 'toaster', EXAMPLE]);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /client `toaster` is not in the config \(clients: laptop, phone, tablet\)/);
  assert.equal((await cli(['client-config'])).code, 64);
  const dir = mkdtempSync(join(tmpdir(), 'dlan-cc-'));
  try {
    writeFileSync(join(dir, 'dlan.yaml'), 'version: 1\nrouters: {}\nclients: { x: { id: 0 } }\n');
    const bad = await cli(['client-config', 'x', dir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /dlan\.yaml:\d+:\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const help = await cli(['client-config', '--help']);
  assert.match(help.stdout + help.stderr, /Usage: dlan-agent client-config NAME/);
});

test('the real tools take the file: wg-quick strip, then wg setconf on a wireguard-go interface', async () => {
  // IP literals only: wg setconf resolves host names, and test traffic stays off the network.
  const dir = mkdtempSync(join(tmpdir(), 'dlan-cc-'));
  const ifname = `dcc${process.pid % 100000}`;
  const ns = `dlan-cc-${process.pid}`;
  const sh = (argv: string[]) => spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20000 });
  try {
    writeFileSync(join(dir, 'dlan.yaml'), readFileSync(join(EXAMPLE, 'dlan.yaml'), 'utf8').replace('endpoint: vpn.example.net', 'endpoint: 198.51.100.7'));
    const r = await cli(['client-config', 'phone', dir]);
    assert.equal(r.code, 0, r.stderr);
    const file = join(dir, `${ifname}.conf`);
    writeFileSync(file, r.stdout);
    const strip = sh(['wg-quick', 'strip', file]);
    assert.equal(strip.status, 0, strip.stderr);
    const kept = strip.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    assert.ok(!kept.some((l) => /^(Address|DNS|MTU|PostUp)\b/.test(l)), `wg-quick keys are stripped:\n${strip.stdout}`);
    writeFileSync(join(dir, 'wg.conf'), strip.stdout);
    assert.equal(sh(['ip', 'netns', 'add', ns]).status, 0, 'needs root and network namespaces');
    const go = sh(['ip', 'netns', 'exec', ns, 'wireguard-go', ifname]);
    assert.equal(go.status, 0, go.stderr);
    const set = sh(['ip', 'netns', 'exec', ns, 'wg', 'setconf', ifname, join(dir, 'wg.conf')]);
    assert.equal(set.status, 0, `wg setconf: ${set.stderr}`);
    const dump = sh(['ip', 'netns', 'exec', ns, 'wg', 'show', ifname, 'dump']).stdout.trim().split('\n').slice(1).map((l) => l.split('\t'));
    // wireguard-go lists peers in no fixed order.
    assert.deepEqual(dump.map((f) => [f[0], f[2], f[3], f[7]]).sort(), [
      [KEYS.cloud, '198.51.100.7:51820', [...MESH, ...TUNNEL.cloud].join(','), '25'],
      [KEYS.office, '198.51.100.20:51820', '0.0.0.0/0,::/0', '25'],
    ].sort());
  } finally {
    sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'del', ifname]);
    sh(['ip', 'netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
});
