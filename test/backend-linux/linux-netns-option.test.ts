// `--netns NAME` on the Linux backend, for real: a network namespace made here, the backend run
// by this (host-namespace) process with the option, real `ip`, `wg`, wireguard-go and nft. The
// namespace gets the interfaces and the ruleset; the host's own interfaces and ruleset are left
// as they were. A namespace that does not exist is refused before anything is read or written.
// Also: the runtime files (nginx pid, wireguard-go log) are below --root, not in the host's /run.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planAndApply, type BackendContext } from '../../agent/backend/backend.ts';
import { createLinuxBackend } from '../../agent/backend/linux/linux-backend.ts';
import { renderLinux } from '../../agent/backend/linux/plan-linux.ts';
import { selectBackend } from '../../agent/backend/select-backend.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { parseSettings } from '../../agent/settings/agent-settings.ts';
import type { DesiredState } from '../../agent/slice/desired-state.ts';
import { must, removeNamespace, sh, twoRouterState } from './linux-test-support.ts';

const NS = `dln${process.pid % 100000}`;
// Its own name: wireguard-go's socket dir (/var/run/wireguard) is the host's under `ip netns exec`.
const WG = `dlw${process.pid % 100000}`;
const host = createNodeHost({ log: { log() {} } });
let root = '';
let state: DesiredState;
const ctx = (): BackendContext => ({ host, root, reload: true });

/** What the host itself has: its links with their addresses, and its nft tables. */
function hostView() {
  const links = (JSON.parse(must(['ip', '-j', 'addr', 'show'])) as { ifname: string; addr_info?: { local: string; prefixlen: number }[] }[])
    .filter((l) => !/^(veth|dl)/.test(l.ifname)) // other tests' devices come and go
    .map((l) => `${l.ifname} ${(l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`).sort().join(' ')}`)
    .sort();
  return { links, tables: must(['nft', 'list', 'tables']) };
}

before(() => {
  const probe = sh(['ip', 'netns', 'add', NS]);
  if (probe.code !== 0) throw new Error(`needs root and network namespaces: ${probe.err}`);
  for (const dev of ['eth0', 'eth1']) must(['ip', '-n', NS, 'link', 'add', dev, 'type', 'bridge']); // no dummy module here
  root = mkdtempSync(join(tmpdir(), 'dlan-netns-'));
  mkdirSync(join(root, 'etc', 'dlan'), { recursive: true });
  const key = must(['wg', 'genkey']).trim();
  writeFileSync(join(root, 'etc', 'dlan', 'wireguard.key'), `${key}\n`, { mode: 0o600 });
  const t = (s: string) => ({ start: ['echo', s, 'start'], reload: ['echo', s, 'reload'], restart: ['echo', s, 'restart'], stop: ['echo', s, 'stop'], check: ['true'] });
  writeFileSync(join(root, 'etc', 'dlan', 'services.json'), JSON.stringify({ dnsmasq: t('dnsmasq'), bird: t('bird'), nginx: t('nginx') }));
  const base = twoRouterState('ra', { ra: must(['wg', 'pubkey'], `${key}\n`).trim(), rb: must(['wg', 'pubkey'], `${must(['wg', 'genkey']).trim()}\n`).trim() });
  state = { ...base, wireguard: { ...base.wireguard, interface: WG } };
});

after(() => {
  removeNamespace(NS, 'SIGTERM'); // SIGTERM: wireguard-go removes its socket
  rmSync(`/var/run/wireguard/${WG}.sock`, { force: true });
  if (root) rmSync(root, { recursive: true, force: true });
});

test('a network namespace that does not exist (or a bad name) is refused before anything is written', async () => {
  const before = readdirSync(join(root, 'etc', 'dlan')).sort();
  await assert.rejects(createLinuxBackend({ netns: `${NS}-missing` }).plan(state, ctx()), { name: 'NetnsError', message: new RegExp(`network namespace \`${NS}-missing\` does not exist`) });
  await assert.rejects(createLinuxBackend({ netns: '../x' }).plan(state, ctx()), { name: 'NetnsError' });
  assert.deepEqual(readdirSync(join(root, 'etc', 'dlan')).sort(), before, 'nothing written');
  await assert.rejects(selectBackend(host, root, 'openwrt', NS), /netns is for the Linux backend only/);
  const settings = parseSettings({ repo: '/srv/dlan.git', router: 'ra', netns: '-x' }, null);
  assert.ok(!settings.ok && settings.errors.some((e) => e.startsWith('netns: not a network namespace name')));
  const ok = parseSettings({ repo: '/srv/dlan.git', router: 'ra', netns: NS }, null);
  assert.ok(ok.ok && ok.settings.netns === NS);
});

test('with netns the namespace gets the interfaces and the ruleset; the host keeps its own', { timeout: 120_000 }, async () => {
  // Guard first (on code without the option this stops here, before anything runs on the host).
  await assert.rejects(createLinuxBackend({ netns: `${NS}-missing` }).plan(state, ctx()), { name: 'NetnsError' });
  const backend = createLinuxBackend({ netns: NS });
  const hostBefore = hostView();
  const res = await planAndApply(backend, state, ctx());
  assert.deepEqual(res.ran.filter((r) => !r.ok), []);
  assert.ok(res.ran.some((r) => r.action.service === 'nftables'));

  assert.deepEqual(hostView(), hostBefore, 'the host namespace is untouched');
  assert.notEqual(sh(['ip', 'link', 'show', 'dev', WG]).code, 0, `no ${WG} on the host`);
  const inNs = (argv: string[]) => must(['ip', 'netns', 'exec', NS, ...argv]);
  const addrs = (dev: string) => (JSON.parse(inNs(['ip', '-j', 'addr', 'show', 'dev', dev]))[0].addr_info as { local: string; prefixlen: number; scope: string }[]).filter((a) => a.scope !== 'link').map((a) => `${a.local}/${a.prefixlen}`).sort();
  assert.deepEqual(addrs(WG), ['10.1.0.1/24', 'fd00:0:1::1/64']);
  assert.ok(addrs('lo').includes('10.1.1.1/32'));
  assert.deepEqual(addrs('eth1'), ['10.2.0.1/24', 'fd79:2de7:db86::1/64']);
  assert.match(inNs(['nft', 'list', 'tables']), /table inet dlan/);
  assert.match(inNs(['wg', 'show', WG, 'peers']), /\S/);
  assert.equal(inNs(['cat', '/proc/sys/net/ipv4/ip_forward']).trim(), '1', 'sysctls of the namespace');

  // Runtime files below --root: wireguard-go's log (this kernel has no WireGuard) and nginx's pid.
  assert.ok(existsSync(join(root, 'run', `dlan-wireguard-go-${WG}.log`)), 'wireguard-go log below --root');
  assert.ok(!existsSync(`/run/dlan-wireguard-go-${WG}.log`), 'not in the host /run');
  assert.match(readFileSync(join(root, 'etc/dlan/nginx/nginx.conf'), 'utf8'), new RegExp(`^pid ${root}/run/dlan-nginx\\.pid;$`, 'm'));
  assert.ok(existsSync(join(root, 'run')), 'the pid folder exists for nginx');

  // A second run changes nothing, in the namespace too.
  const again = await backend.plan(state, ctx());
  assert.deepEqual(again.changes, []);

  // uninstall takes it all out of the namespace, and still leaves the host alone.
  await backend.uninstall(ctx());
  assert.notEqual(sh(['ip', 'netns', 'exec', NS, 'ip', 'link', 'show', 'dev', WG]).code, 0, `${WG} removed from the namespace`);
  assert.ok(!addrs('lo').includes('10.1.1.1/32'));
  assert.doesNotMatch(inNs(['nft', 'list', 'tables']), /table inet dlan/);
  assert.deepEqual(hostView(), hostBefore, 'the host namespace is still untouched');
});

test('the pid and log paths named in the rendered nginx config are below --root', () => {
  const nginx = renderLinux(state, '/srv/r1', null).find((f) => f.role === 'nginx')!.content;
  assert.match(nginx, /^pid \/srv\/r1\/run\/dlan-nginx\.pid;$/m);
  assert.match(nginx, /^error_log \/srv\/r1\/var\/log\/dlan\/nginx-error\.log warn;$/m);
  assert.doesNotMatch(nginx, /\s\/(run|var)\//, 'no path outside the root');
});
