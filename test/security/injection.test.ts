// Injection-proof rendering, by property. (1) Any hostile character put into any string the
// schema allows (names, domains, devices, record and lease names, service names, endpoints,
// listen/upstream addresses, lease times, SSH key lines) is refused by validation at that path,
// with a message free of control characters. (2) Configs whose strings sit at the edge of what
// is allowed render into files that the real parser of each format accepts (bird -p, nginx -t,
// dnsmasq --test, nft -c, the uci test double) and that hold exactly the intended directives and
// values: every value comes back whole, in its own place, and nothing else appears.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadConfig } from '../../agent/load/load-config.ts';
import type { Config } from '../../agent/config/config-types.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import type { DesiredState } from '../../agent/slice/desired-state.ts';
import { renderBirdConf } from '../../agent/render/bird/render-bird-conf.ts';
import { renderNginxStatusServer, renderNginxStreamConf } from '../../agent/render/nginx/render-nginx-stream.ts';
import { renderDnsmasqFiles } from '../../agent/backend/linux/render-dnsmasq-conf.ts';
import { renderNftRuleset } from '../../agent/backend/linux/render-nftables.ts';
import { renderAuthorizedKeys } from '../../agent/backend/linux/render-ssh-files.ts';
import { renderUci } from '../../agent/backend/openwrt/render/render-uci.ts';
import { UCI_PACKAGES } from '../../agent/backend/openwrt/render/rendered-uci.ts';
import { quoteUci } from '../../agent/base/uci-syntax.ts';
import { runUci } from '../uci-double/uci.ts';
import { DANGER, edgeConfig, withValue, type GeneratedConfig } from './injection-support.ts';

const TEST_PRIVATE_KEY = 'qBhqSCLDdLiG35kj/6wbYQHPlUc6qoeMUosiaVRRFXY=';
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

function load(config: Record<string, unknown>) {
  // JSON is YAML: every string arrives exactly as generated, whatever it holds.
  return loadConfig([{ path: 'dlan.yaml', text: JSON.stringify(config, null, 1) }]);
}

function run(argv: string[]): { code: number; out: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const sorted = (xs: string[]) => [...xs].sort();

test('validation refuses a hostile character in any string field, at that field', () => {
  fc.assert(
    fc.property(edgeConfig, fc.nat(), fc.nat(), fc.nat(), (g: GeneratedConfig, which, pos, ch) => {
      const field = g.fields[which % g.fields.length]!;
      const c = field.danger[ch % field.danger.length]!;
      const at = pos % (field.value.length + 1);
      const hostile = `${field.value.slice(0, at)}${c}${field.value.slice(at)}`;
      const r = load(withValue(g.config, field.at, hostile));
      assert.equal(r.ok, false, `accepted ${JSON.stringify(hostile)} at ${field.path}`);
      if (r.ok) return;
      assert.ok(r.diagnostics.some((d) => d.path === field.path), `no error at ${field.path} for ${JSON.stringify(hostile)}: ${r.diagnostics.map((d) => `${d.path}: ${d.message}`).join('; ')}`);
      for (const d of r.diagnostics) assert.doesNotMatch(d.message, /[\u0000-\u001f\u007f\u202e]/, 'messages escape control characters');
    }),
    { numRuns: 300 },
  );
  assert.ok(DANGER.includes('\n') && DANGER.includes(';'));
});

function checkBird(state: DesiredState, dir: string): void {
  const text = renderBirdConf(state);
  const file = join(dir, `bird-${state.router}.conf`);
  writeFileSync(file, text);
  const r = run(['bird', '-p', '-c', file]);
  assert.equal(r.code, 0, `bird -p refused:\n${r.out}\n${text}`);
  const quoted = [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  const interfaces = [...text.matchAll(/\binterface "([^"]*)"/g)].map((m) => m[1]!);
  assert.equal(quoted.length, interfaces.length, 'the only quoted strings are interface names');
  const ospfIfaces = [...state.ospf.stubInterfaces, ...state.ospf.ptpInterfaces.map((p) => p.interface)];
  const bfd = state.ospf.ptpInterfaces.filter((p) => p.bfd).map((p) => p.interface);
  assert.deepEqual(sorted(interfaces), sorted([...ospfIfaces, ...ospfIfaces, ...bfd]), 'each interface once per OSPF instance');
}

function checkNginx(state: DesiredState, dir: string): void {
  const stream = renderNginxStreamConf(state);
  const status = renderNginxStatusServer(state);
  const main = join(dir, `nginx-${state.router}.conf`);
  const load = existsSync(STREAM_MODULE) ? `load_module ${STREAM_MODULE};\n` : '';
  writeFileSync(main, `${load}error_log stderr;\npid ${dir}/nginx.pid;\nevents {}\n${stream}\nhttp {\n${status ?? ''}\n}\n`);
  const r = run(['nginx', '-q', '-t', '-p', dir, '-c', main]);
  assert.equal(r.code, 0, `nginx -t refused:\n${r.out}\n${stream}\n${status}`);
  const servers = [...stream.matchAll(/^\t\tserver (\S+);$/gm)].map((m) => m[1]!);
  const intended = state.services.flatMap((s) => s.upstreams.map((u) => (u.host.includes(':') ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`)));
  assert.deepEqual(servers, intended, 'upstream servers exactly as intended');
  const passes = [...stream.matchAll(/^\t\tproxy_pass (\S+);$/gm)].map((m) => m[1]!);
  assert.deepEqual(passes, state.services.map((s) => `dlan_${s.name}`));
  // Every directive line is one of the renderer's own shapes: nothing else was smuggled in.
  for (const line of stream.split('\n')) {
    assert.match(line, /^(#.*|stream \{|\}|\t\}|\t\t?\}|\tupstream dlan_[a-z0-9_-]+ \{|\t\tserver \S+;|\tserver \{|\t\tlisten \S+( udp reuseport)?;|\t\tproxy_(pass|protocol|connect_timeout|timeout) \S+;|\t# .*|)$/, `unexpected nginx line ${JSON.stringify(line)}`);
  }
}

function checkDnsmasq(state: DesiredState, dir: string): void {
  const paths = { hosts: join(dir, `hosts-${state.router}`), dhcpHosts: join(dir, `dhcp-${state.router}`), leases: join(dir, `leases-${state.router}`) };
  const files = renderDnsmasqFiles(state, paths);
  const conf = join(dir, `dnsmasq-${state.router}.conf`);
  writeFileSync(conf, files.conf);
  writeFileSync(paths.hosts, files.hosts);
  writeFileSync(paths.dhcpHosts, files.dhcpHosts);
  const r = run(['dnsmasq', '--test', `--conf-file=${conf}`]);
  assert.equal(r.code, 0, `dnsmasq --test refused:\n${r.out}\n${files.conf}`);
  const KEYS = new Set(['domain-needed', 'no-resolv', 'server', 'local', 'domain', 'expand-hosts', 'addn-hosts', 'rebind-domain-ok', 'bind-dynamic', 'interface', 'listen-address', 'dhcp-leasefile', 'dhcp-authoritative', 'dhcp-range', 'enable-ra', 'dhcp-hostsfile', 'ptr-record']);
  const lines = files.conf.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  for (const l of lines) {
    assert.match(l, /^[a-z-]+(=\S+)?$/, `one directive per line, no spaces: ${JSON.stringify(l)}`);
    assert.ok(KEYS.has(l.split('=')[0]!), `unexpected dnsmasq directive ${l}`);
  }
  assert.deepEqual(lines.filter((l) => l.startsWith('local=')), [`local=/${state.localDomain}/`, ...(state.dns.reverseZones ?? []).map((z) => `local=/${z}/`)]);
  assert.deepEqual(lines.filter((l) => l.startsWith('interface=')), state.lan.map((l) => `interface=${l.device}`));
  const records = files.hosts.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const recordLines = state.dns.records.flatMap((r) => r.addresses.map((a) => `${a} ${r.name}`));
  // The router's own PTR names (loopback, leases) come first; they are not records.
  const ownLines = (state.dns.ptr ?? []).map((p) => `${p.address} ${p.name}`).filter((l) => !recordLines.includes(l));
  assert.deepEqual(records, [...ownLines, ...recordLines], 'one host line per own name and record address, nothing else');
  const leases = files.dhcpHosts.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const intended = state.lan.flatMap((lan) => lan.leases.map((l) => l.name));
  assert.deepEqual(leases.map((l) => l.split(',')), leases.map((l, i) => [...l.split(',').slice(0, 2), intended[i]!]), 'three fields, the name last');
  assert.equal(leases.length, intended.length);
}

function checkNft(state: DesiredState, dir: string): void {
  const text = renderNftRuleset(state);
  const file = join(dir, `nft-${state.router}.nft`);
  writeFileSync(file, text);
  const r = run(['nft', '-c', '-f', file]);
  assert.equal(r.code, 0, `nft -c refused:\n${r.out}\n${text}`);
  const quoted = [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  const devices = new Set([...state.firewall.trustedDevices, ...state.firewall.wanDevices]);
  for (const q of quoted) assert.ok(devices.has(q) || q.includes(`dlan router ${state.router}`) || /^[a-z0-9 :=_,.-]+$/i.test(q), `unexpected quoted string ${JSON.stringify(q)} in nft`);
}

/** `uci show` output back into section → option → values, with uci's own quoting undone. */
function parseShow(out: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  for (const line of out.split('\n').filter(Boolean)) {
    const eq = line.indexOf('=');
    const [, sec, opt] = line.slice(0, eq).split('.');
    if (!sections.has(sec!)) sections.set(sec!, new Map());
    if (opt === undefined) continue;
    const values = [...line.slice(eq + 1).matchAll(/'((?:[^']|'\\'')*)'/g)].map((m) => m[1]!.replace(/'\\''/g, "'"));
    sections.get(sec!)!.set(opt, values);
  }
  return sections;
}

function checkUci(state: DesiredState, dir: string): void {
  const rendered = renderUci(state, TEST_PRIVATE_KEY);
  const confdir = mkdtempSync(join(dir, 'uci-'));
  for (const pkg of UCI_PACKAGES) {
    const sections = rendered.sections[pkg];
    const text = [`package ${pkg}`, ''];
    for (const s of sections) {
      text.push(`config ${s.type} ${quoteUci(s.name)}`);
      for (const [k, v] of s.options) {
        if (v === null) continue;
        if (Array.isArray(v)) for (const item of v) text.push(`\tlist ${k} ${quoteUci(item)}`);
        else text.push(`\toption ${k} ${quoteUci(v)}`);
      }
      text.push('');
    }
    const imported = runUci(['-c', confdir, 'import', pkg], { confdir, savedir: join(confdir, '.save'), stdin: `${text.join('\n')}\n` });
    assert.equal(imported.exit, 0, `uci import ${pkg}: ${imported.stderr}`);
    const shown = runUci(['-c', confdir, 'show', pkg], { confdir, savedir: join(confdir, '.save') });
    assert.equal(shown.exit, 0);
    const back = parseShow(shown.stdout);
    assert.deepEqual(sorted([...back.keys()]), sorted(sections.map((s) => s.name)), `${pkg}: exactly the rendered sections`);
    for (const s of sections) {
      const opts = back.get(s.name)!;
      const want = s.options.filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0));
      assert.deepEqual(sorted([...opts.keys()]), sorted(want.map(([k]) => k)), `${pkg}.${s.name}: exactly the rendered options`);
      for (const [k, v] of want) assert.deepEqual(opts.get(k), Array.isArray(v) ? v : [v], `${pkg}.${s.name}.${k}`);
    }
  }
}

function checkAuthorizedKeys(config: Config, state: DesiredState): void {
  if (!state.ssh) return;
  const lines = renderAuthorizedKeys(state.ssh).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  assert.deepEqual(lines, config.admin.ssh_keys, 'one line per key, each exactly as written');
}

test('edge-of-schema configs render into files the real parsers accept, holding exactly the intended values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-inject-'));
  fc.assert(
    fc.property(edgeConfig, (g) => {
      const r = load(g.config);
      assert.ok(r.ok, r.ok ? '' : `a config within the schema was refused: ${r.diagnostics.map((d) => `${d.path}: ${d.message}`).join('; ')}`);
      if (!r.ok) return;
      for (const router of r.config.routers) {
        const state = sliceRouter(r.config, router.name);
        checkBird(state, dir);
        checkNginx(state, dir);
        checkDnsmasq(state, dir);
        checkNft(state, dir);
        checkUci(state, dir);
        checkAuthorizedKeys(r.config, state);
      }
    }),
    { numRuns: 12 },
  );
});
