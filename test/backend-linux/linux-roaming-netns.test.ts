// Roaming VPN clients on the Linux backend, for real and without the lab: a router in a fresh
// network namespace (its own mount namespace for wireguard-go), applied with the real `ip`, `wg`,
// wireguard-go and nft; a client namespace running wireguard-go with the file `client-config`
// prints; an "internet" namespace. The client reaches the router's loopback through the tunnel,
// the router reaches the client, the client's internet traffic leaves masqueraded (the internet
// host answers the router's WAN address); a second apply changes nothing; removing the client
// removes its peer and routes. Needs root and network namespaces.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { planAndApply } from '../../agent/backend/backend.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { loadConfig } from '../../agent/load/load-config.ts';
import type { Config } from '../../agent/config/config-types.ts';
import { renderClientConfig } from '../../agent/render/wg-quick/render-client-config.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { must, namespacedHost, sh } from './linux-test-support.ts';

const tag = `dlr${process.pid % 100000}`;
const NS = { router: `${tag}r`, client: `${tag}c`, inet: `${tag}i` };
const CLIENT_WG = `${tag}w`;
const backend = createLinuxBackend();
const quietHost = createNodeHost({ log: { log() {} } });
let holder = 0;
let clientGo = 0;
let root = '';
let dir = '';
let routerKey = '';
let clientKey = '';

const inRouter = (argv: string[]) => sh(['nsenter', '-t', String(holder), '-m', '-n', '--', ...argv]);
const inClient = (argv: string[]) => sh(['ip', 'netns', 'exec', NS.client, ...argv]);
const ctx = () => ({ host: namespacedHost(quietHost, holder), root, reload: true });

function config(withClient: boolean): Config {
  const text = `version: 1
routers:
  solo:
    id: 1
    public_key: ${routerKey}
    endpoint: 192.0.2.2
    wan: [ { device: eth0, ipv4: 192.0.2.2/24 } ]
    lan: [ { device: eth1, ipv4: 10.2.0.0/24 } ]
${withClient ? `clients:\n  laptop: { id: 1, public_key: ${clientKey}, home: solo, egress: solo }\n` : ''}`;
  const r = loadConfig([{ path: 'dlan.yaml', text }]);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.config;
}

/** `Key = a, b` values of a wg-quick file. */
const values = (text: string, key: string) => text.split('\n').filter((l) => l.startsWith(`${key} =`)).flatMap((l) => l.slice(key.length + 2).split(',').map((v) => v.trim()));

before(async () => {
  const probe = sh(['ip', 'netns', 'add', NS.router]);
  if (probe.code !== 0) throw new Error(`needs root and network namespaces: ${probe.err}`);
  must(['ip', 'netns', 'add', NS.client]);
  must(['ip', 'netns', 'add', NS.inet]);
  // The internet: a bridge in NS.inet (192.0.2.1), the router's WAN and the client on it.
  must(['ip', '-n', NS.inet, 'link', 'add', 'br0', 'type', 'bridge']);
  must(['ip', '-n', NS.inet, 'addr', 'add', '192.0.2.1/24', 'dev', 'br0']);
  must(['ip', '-n', NS.inet, 'link', 'set', 'br0', 'up']);
  for (const [ns, port] of [[NS.router, 'p-r'], [NS.client, 'p-c']] as const) {
    must(['ip', 'link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', NS.inet]);
    must(['ip', '-n', NS.inet, 'link', 'set', port, 'master', 'br0', 'up']);
  }
  must(['ip', '-n', NS.router, 'link', 'add', 'eth1', 'type', 'bridge']);
  must(['ip', '-n', NS.client, 'addr', 'add', '192.0.2.100/24', 'dev', 'eth0']);
  must(['ip', '-n', NS.client, 'link', 'set', 'eth0', 'up']);
  must(['ip', '-n', NS.client, 'link', 'set', 'lo', 'up']);

  const child = spawn('ip', ['netns', 'exec', NS.router, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs dlan-test-run /run && mkdir -p /run/wireguard && exec sleep infinity'], { stdio: 'ignore', detached: true });
  child.unref();
  holder = child.pid!;
  for (let i = 0; i < 100 && !(existsSync(`/proc/${holder}/comm`) && readFileSync(`/proc/${holder}/comm`, 'utf8').trim() === 'sleep'); i++) await new Promise((r) => setTimeout(r, 50));

  root = mkdtempSync(join(tmpdir(), 'dlan-roam-root-'));
  dir = mkdtempSync(join(tmpdir(), 'dlan-roam-client-'));
  mkdirSync(join(root, 'etc', 'dlan'), { recursive: true });
  const key = must(['wg', 'genkey']).trim();
  writeFileSync(join(root, 'etc', 'dlan', 'wireguard.key'), `${key}\n`, { mode: 0o600 });
  routerKey = must(['wg', 'pubkey'], `${key}\n`).trim();
  const t = (s: string) => ({ start: ['echo', s, 'start'], reload: ['echo', s, 'reload'], restart: ['echo', s, 'restart'], stop: ['echo', s, 'stop'], check: ['true'] });
  writeFileSync(join(root, 'etc', 'dlan', 'services.json'), JSON.stringify({ dnsmasq: t('dnsmasq'), bird: t('bird'), nginx: t('nginx') }));
  const ck = must(['wg', 'genkey']).trim();
  writeFileSync(join(dir, 'laptop.key'), `${ck}\n`, { mode: 0o600 });
  clientKey = must(['wg', 'pubkey'], `${ck}\n`).trim();
});

after(() => {
  for (const ns of [NS.router, NS.client]) {
    for (const pid of sh(['ip', 'netns', 'pids', ns]).out.split('\n').map(Number).filter((p) => p > 0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  for (const pid of [holder, clientGo]) {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const ns of Object.values(NS)) sh(['ip', 'netns', 'del', ns]);
  for (const d of [root, dir]) if (d) rmSync(d, { recursive: true, force: true });
});

async function pings(run: (argv: string[]) => { code: number }, target: string): Promise<boolean> {
  for (let i = 0; i < 20; i++) if (run(['ping', '-n', '-c', '1', '-W', '1', target]).code === 0) return true;
  return false;
}

test('a client at home and egress on a Linux router: tunnel both ways, internet masqueraded, idempotent, removable', async () => {
  const withClient = config(true);
  const first = await planAndApply(backend, sliceRouter(withClient, 'solo'), ctx());
  assert.deepEqual(first.ran.filter((x) => !x.ok), []);
  const routes = inRouter(['ip', '-j', 'route', 'show', 'dev', 'wg0', 'proto', 'static']).out;
  assert.deepEqual((JSON.parse(routes) as { dst: string; metric?: number }[]).map((r) => [r.dst, r.metric]), [['10.1.2.1', 1]]);
  assert.match(inRouter(['ip', '-6', 'route', 'show', 'dev', 'wg0', 'proto', 'static']).out, /^fd00:0:1:2::1 metric 1/m);
  assert.match(inRouter(['wg', 'show', 'wg0', 'allowed-ips']).out, new RegExp(`^${clientKey.replace(/[+/]/g, '\\$&')}\\t10\\.1\\.2\\.1/32 fd00:0:1:2::1/128$`, 'm'));

  // The client, from the printed file: wg-quick strip for wg setconf, the key via PostUp's command.
  const wgQuick = renderClientConfig(withClient, 'laptop');
  writeFileSync(join(dir, `${CLIENT_WG}.conf`), wgQuick);
  writeFileSync(join(dir, 'wg.conf'), must(['wg-quick', 'strip', join(dir, `${CLIENT_WG}.conf`)]));
  const go = spawn('ip', ['netns', 'exec', NS.client, 'wireguard-go', CLIENT_WG], { stdio: 'ignore', detached: true, env: { ...process.env, WG_PROCESS_FOREGROUND: '1' } });
  go.unref();
  clientGo = go.pid!;
  for (let i = 0; i < 100 && inClient(['ip', 'link', 'show', 'dev', CLIENT_WG]).code !== 0; i++) await new Promise((r) => setTimeout(r, 50));
  must(['ip', 'netns', 'exec', NS.client, 'wg', 'setconf', CLIENT_WG, join(dir, 'wg.conf')]);
  must(['ip', 'netns', 'exec', NS.client, 'wg', 'set', CLIENT_WG, 'private-key', join(dir, 'laptop.key')]);
  const [v4, v6] = values(wgQuick, 'Address');
  must(['ip', 'netns', 'exec', NS.client, 'ip', 'addr', 'add', v4!, 'dev', CLIENT_WG]);
  must(['ip', 'netns', 'exec', NS.client, 'ip', '-6', 'addr', 'add', v6!, 'dev', CLIENT_WG, 'nodad']);
  must(['ip', 'netns', 'exec', NS.client, 'ip', 'link', 'set', CLIENT_WG, 'up']);
  for (const p of values(wgQuick, 'AllowedIPs').filter((x) => x !== '0.0.0.0/0' && x !== '::/0')) {
    must(['ip', 'netns', 'exec', NS.client, 'ip', p.includes(':') ? '-6' : '-4', 'route', 'add', p, 'dev', CLIENT_WG]);
  }
  // The internet through the tunnel: only the internet host's address (the endpoint stays on eth0).
  must(['ip', 'netns', 'exec', NS.client, 'ip', 'route', 'add', '192.0.2.1/32', 'dev', CLIENT_WG, 'src', '10.1.2.1']);

  assert.ok(await pings(inClient, '10.1.1.1'), "client → the router's loopback (IPv4) through the tunnel");
  assert.ok(await pings(inClient, 'fd00:0:1:1::1'), "client → the router's loopback (IPv6)");
  assert.ok(await pings(inRouter, '10.1.2.1'), 'router → client (IPv4)');
  assert.ok(await pings(inRouter, 'fd00:0:1:2::1'), 'router → client (IPv6)');
  // 192.0.2.1 has no route to 10.1.2.0/24: only the masqueraded request can be answered.
  assert.ok(await pings(inClient, '192.0.2.1'), 'client → internet host through the egress router, masqueraded');
  const conntrack = inRouter(['nft', 'list', 'ruleset']).out;
  assert.match(conntrack, /iifname "wg0" oifname "eth0" ip saddr 10\.1\.2\.1 accept/);

  const again = await backend.plan(sliceRouter(withClient, 'solo'), ctx());
  assert.deepEqual(again.changes, [], 'a second apply changes nothing');

  const without = await planAndApply(backend, sliceRouter(config(false), 'solo'), ctx());
  assert.deepEqual(without.ran.filter((x) => !x.ok), []);
  assert.equal(inRouter(['ip', '-j', 'route', 'show', 'dev', 'wg0', 'proto', 'static']).out.trim(), '[]');
  assert.equal(inRouter(['ip', '-6', 'route', 'show', 'dev', 'wg0', 'proto', 'static']).out.trim(), '');
  assert.doesNotMatch(inRouter(['wg', 'show', 'wg0', 'peers']).out, new RegExp(clientKey.replace(/[+/]/g, '\\$&')));
});
