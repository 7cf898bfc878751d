// Installs the .ipk into a temporary root the way opkg does (data extracted into the root, control
// files stored as usr/lib/opkg/info/dlan-agent.*, the file list as dlan-agent.list), then runs the
// package's postinst/prerm wrappers against stand-ins of /lib/functions.sh and /etc/rc.common
// (test/package/stand-in/) with recorders for the cron and odhcpd init scripts and a fake
// `dnsmasq --version`. No chroot: IPKG_INSTROOT points at the temporary root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage, unpack } from './ipk-support.ts';
import type { Variant } from '../../build/package-spec.ts';
import { createNodeHost, createNodeLog } from '../../agent/host/node-host.ts';
import { loadSettings } from '../../agent/settings/settings-file.ts';

const unpackedByVariant = new Map<Variant, ReturnType<typeof unpack>>();
const standIn = join(import.meta.dirname, 'stand-in');
const cleanups: string[] = [];
/** The unpacked .ipk of one runtime (built once per test file). */
function unpacked(variant: Variant) {
  let u = unpackedByVariant.get(variant);
  if (!u) {
    u = unpack(buildPackage({ variant }));
    cleanups.push(u.dir);
    unpackedByVariant.set(variant, u);
  }
  return u;
}
process.on('exit', () => cleanups.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Root {
  root: string;
  bin: string;
  run(script: string, env?: Record<string, string>): { status: number | null; stdout: string; stderr: string };
  file(rel: string): string | null;
  calls(name: string): string[];
}

/** A fresh root with the package installed as opkg would, plus stand-ins. */
function install(opts: { dnsmasqHasDhcpv6: boolean; editConfig?: (text: string) => string; variant?: Variant }): Root {
  const root = mkdtempSync(join(tmpdir(), 'dlan-root-'));
  cleanups.push(root);
  const u = unpacked(opts.variant ?? 'dlan-agent');
  execFileSync('tar', ['-xzf', join(u.dir, 'outer', 'data.tar.gz'), '-C', root]);
  const info = join(root, 'usr', 'lib', 'opkg', 'info');
  mkdirSync(info, { recursive: true });
  for (const member of readdirSync(join(u.dir, 'control'))) {
    copyFileSync(join(u.dir, 'control', member), join(info, `dlan-agent.${member}`));
    chmodSync(join(info, `dlan-agent.${member}`), member.startsWith('post') || member.startsWith('pre') ? 0o755 : 0o644);
  }
  const files = execFileSync('tar', ['-tzf', join(u.dir, 'outer', 'data.tar.gz')], { encoding: 'utf8' })
    .split('\n')
    .filter((p) => p && !p.endsWith('/'))
    .map((p) => p.slice(1));
  writeFileSync(join(info, 'dlan-agent.list'), `${files.join('\n')}\n`);

  mkdirSync(join(root, 'lib'), { recursive: true });
  copyFileSync(join(standIn, 'functions.sh'), join(root, 'lib', 'functions.sh'));
  copyFileSync(join(standIn, 'rc.common'), join(root, 'etc', 'rc.common'));
  // Recorders for the init scripts the package's scripts call.
  for (const svc of ['cron', 'odhcpd', 'dnsmasq']) {
    const p = join(root, 'etc', 'init.d', svc);
    writeFileSync(p, `#!/bin/sh\necho "$1" >> "${root}/var/run/${svc}.calls"\n`);
    chmodSync(p, 0o755);
  }
  mkdirSync(join(root, 'var', 'run'), { recursive: true });
  const bin = join(root, 'test-bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'dnsmasq'),
    `#!/bin/sh\necho "Dnsmasq version 2.90"\necho "Compile time options: IPv6 GNU-getopt no-DBus UBus no-i18n no-IDN DHCP ${opts.dnsmasqHasDhcpv6 ? 'DHCPv6' : 'no-DHCPv6'} no-Lua TFTP no-conntrack no-ipset"\n`,
  );
  chmodSync(join(bin, 'dnsmasq'), 0o755);
  if (opts.editConfig) {
    const cfg = join(root, 'etc', 'config', 'dlan-agent');
    writeFileSync(cfg, opts.editConfig(readFileSync(cfg, 'utf8')));
  }
  const file = (rel: string) => (existsSync(join(root, rel)) ? readFileSync(join(root, rel), 'utf8') : null);
  return {
    root,
    bin,
    run(script, env = {}) {
      const r = spawnSync('sh', [join(info, script)], {
        encoding: 'utf8',
        env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, IPKG_INSTROOT: root, ...env },
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    file,
    calls: (name) => (file(`var/run/${name}`) ?? '').split('\n').filter(Boolean),
  };
}

/** The recorded procd instance: the command's arguments and the other parameters. */
function instance(r: Root) {
  const text = r.file('var/run/procd/dlan-agent.instance');
  if (text === null) return null;
  const lines = text.split('\n').filter(Boolean);
  const command = lines.filter((l) => l.startsWith('command ')).map((l) => l.slice('command '.length));
  const params = lines.filter((l) => !l.startsWith('command '));
  return { command, params };
}

test('image build (IPKG_INSTROOT set): the wrapper only enables the service; uci-defaults wait for first boot', () => {
  const r = install({ dnsmasqHasDhcpv6: true });
  const res = r.run('dlan-agent.postinst');
  assert.equal(res.status, 0, res.stderr);
  assert.equal(readlinkSync(join(r.root, 'etc/rc.d/S95dlan-agent')), '../init.d/dlan-agent');
  assert.equal(readlinkSync(join(r.root, 'etc/rc.d/K10dlan-agent')), '../init.d/dlan-agent');
  assert.notEqual(r.file('etc/uci-defaults/90-dlan-agent'), null, 'uci-defaults must stay for the first boot');
  assert.deepEqual(r.calls('procd/dlan-agent.actions'), ['enable']);
  assert.deepEqual(r.calls('odhcpd.calls'), []);
});

test('IPKG_NO_SCRIPT=1 skips the postinst entirely', () => {
  const r = install({ dnsmasqHasDhcpv6: true });
  assert.equal(r.run('dlan-agent.postinst', { IPKG_NO_SCRIPT: '1', DLAN_TEST_LIVE: '1' }).status, 0);
  assert.equal(existsSync(join(r.root, 'etc/rc.d')), false);
});

test('live install, default settings, dnsmasq-full: odhcpd left alone (until an apply takes DHCPv6), service enabled and started, nothing run without a repo', () => {
  const r = install({ dnsmasqHasDhcpv6: true });
  const res = r.run('dlan-agent.postinst', { DLAN_TEST_LIVE: '1' });
  assert.equal(res.status, 0, res.stderr);
  assert.equal(r.file('etc/uci-defaults/90-dlan-agent'), null, 'a uci-defaults script that succeeded is deleted');
  assert.deepEqual(r.calls('odhcpd.calls'), [], 'installing must not take the LAN\'s router advertisements away');
  assert.equal(readlinkSync(join(r.root, 'etc/rc.d/S95dlan-agent')), '../init.d/dlan-agent');
  assert.deepEqual(r.calls('procd/dlan-agent.actions'), ['enable', 'start']);
  assert.equal(instance(r), null, 'no instance without a repo');
  assert.match(res.stderr, /not started: set the config repo first/);
  assert.deepEqual(r.calls('procd/dlan-agent.triggers'), ['config.change dlan-agent -> /etc/init.d/dlan-agent reload']);
  assert.equal((r.file('etc/crontabs/root') ?? '').includes('dlan-agent'), false, 'daemon mode adds no cron line');
});

test('removal gives odhcpd back when an apply had disabled it (the ledger says so), and only then', () => {
  for (const disabled of [true, false]) {
    const r = install({ dnsmasqHasDhcpv6: true });
    assert.equal(r.run('dlan-agent.postinst', { DLAN_TEST_LIVE: '1' }).status, 0);
    mkdirSync(join(r.root, 'etc/dlan'), { recursive: true });
    writeFileSync(join(r.root, 'etc/dlan/ledger.json'), `${JSON.stringify({ version: 1, router: 'r1', packages: {}, files: {}, odhcpdDisabled: disabled }, null, 2)}\n`);
    const rm = r.run('dlan-agent.prerm', { DLAN_TEST_LIVE: '1' });
    assert.equal(rm.status, 0, rm.stderr);
    assert.deepEqual(r.calls('odhcpd.calls'), disabled ? ['enable', 'start'] : []);
    assert.deepEqual(r.calls('dnsmasq.calls'), disabled ? ['reload'] : []);
    // An upgrade (PKG_UPGRADE=1) leaves it as it is.
    const again = install({ dnsmasqHasDhcpv6: true });
    mkdirSync(join(again.root, 'etc/dlan'), { recursive: true });
    writeFileSync(join(again.root, 'etc/dlan/ledger.json'), '{ "odhcpdDisabled": true }\n');
    assert.equal(again.run('dlan-agent.prerm', { DLAN_TEST_LIVE: '1', PKG_UPGRADE: '1' }).status, 0);
    assert.deepEqual(again.calls('odhcpd.calls'), []);
  }
});

const SIGNER_1 = 'admin@example.net ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyMCnoBSxjY+HUFWOoFZkLP0YJA3vQqmJJt42ZQ4bsN';
const SIGNER_2 = 'ops@example.net ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0JUK0vCGl3oqMjg5DSTr52REAcRDFfWEU+Qpz/u2qa';
const configured = (t: string) =>
  t
    .replace("#option repo 'https://git.example.net/net/dlan-config.git'", "option repo 'https://git.example.net/net/dlan-config.git'")
    .replace("#option router 'r1'", "option router 'r1'")
    .replace("option verify 'none'", "option verify 'ssh'")
    .replace("#list allowed_signers 'admin@example.net ssh-ed25519 AAAA...'", `list allowed_signers '${SIGNER_1}'\n\tlist allowed_signers '${SIGNER_2}'`);

const CRON_WITH_AGENT = '0 4 * * * /sbin/reboot\n# dlan-agent: GitOps sync (managed by dlan-agent init)\n*/10 * * * * /usr/bin/dlan-agent sync --jitter >/dev/null 2>&1\n';

test('cron mode chosen before the first start: a crontab line instead of a daemon; removal takes it out', () => {
  const r = install({
    dnsmasqHasDhcpv6: false,
    editConfig: (t) => configured(t).replace("option mode 'daemon'", "option mode 'cron'").replace("option interval '300'", "option interval '600'"),
  });
  mkdirSync(join(r.root, 'etc/crontabs'), { recursive: true });
  writeFileSync(join(r.root, 'etc/crontabs/root'), '0 4 * * * /sbin/reboot\n');
  const res = r.run('dlan-agent.postinst', { DLAN_TEST_LIVE: '1' });
  assert.equal(res.status, 0, res.stderr);
  assert.equal(r.file('etc/crontabs/root'), CRON_WITH_AGENT);
  assert.deepEqual(r.calls('cron.calls').slice(0, 2), ['enable', 'restart']);
  assert.equal(instance(r), null, 'cron mode runs no daemon');

  // Starting again (a reload after a settings change) keeps exactly one line.
  execFileSync('sh', [join(r.root, 'etc/rc.common'), join(r.root, 'etc/init.d/dlan-agent'), 'reload'], { env: { ...process.env, IPKG_INSTROOT: r.root } });
  assert.equal(r.file('etc/crontabs/root'), CRON_WITH_AGENT);

  const rm = r.run('dlan-agent.prerm', { DLAN_TEST_LIVE: '1' });
  assert.equal(rm.status, 0, rm.stderr);
  assert.equal(r.file('etc/crontabs/root'), '0 4 * * * /sbin/reboot\n');
  assert.equal(existsSync(join(r.root, 'etc/rc.d/S95dlan-agent')), false, 'disabled on removal');
  assert.deepEqual(r.calls('procd/dlan-agent.actions').slice(-2), ['disable', 'stop']);
});

test('daemon mode: procd runs `dlan-agent run`, respawning, restarted when the settings file changes', () => {
  const r = install({ dnsmasqHasDhcpv6: false, editConfig: configured });
  const res = r.run('dlan-agent.postinst', { DLAN_TEST_LIVE: '1' });
  assert.equal(res.status, 0, res.stderr);
  const inst = instance(r);
  assert.ok(inst, 'an instance was opened');
  // `run` reads the settings file itself (agent/cli/commands/run.ts takes no settings flags).
  assert.deepEqual(inst.command, ['/usr/bin/dlan-agent', 'run']);
  for (const p of ['respawn 3600', 'respawn 5', 'respawn 0', 'file /etc/config/dlan-agent', 'env DLAN_LOG_LEVEL=info', 'env DLAN_AGENT_RUNTIME=auto']) {
    assert.ok(inst.params.includes(p), `missing procd param "${p}" in ${inst.params.join(' | ')}`);
  }
});

test('logged once: dlan-agent logs through logger itself, so procd does not capture stdout/stderr too', () => {
  const r = install({ dnsmasqHasDhcpv6: false, editConfig: configured });
  assert.equal(r.run('dlan-agent.postinst', { DLAN_TEST_LIVE: '1' }).status, 0);
  const inst = instance(r)!;
  assert.ok(!inst.params.includes('stdout 1') && !inst.params.includes('stderr 1'), inst.params.join(' | '));
  assert.ok(!inst.params.some((p) => p === 'env DLAN_SYSLOG=0'), 'logger stays on');
});

test('term_timeout outlasts confirm_timeout: a restart during the confirm window lets the sync finish instead of killing it into a rollback', () => {
  for (const [confirm, want] of [[null, 90], ['200', 230], ['bogus', 90]] as const) {
    const r = install({
      dnsmasqHasDhcpv6: false,
      editConfig: (t) => (confirm === null ? configured(t) : configured(t).replace("option confirm_timeout '60'", `option confirm_timeout '${confirm}'`)),
    });
    assert.equal(r.run('dlan-agent.postinst', { DLAN_TEST_LIVE: '1' }).status, 0);
    const timeouts = instance(r)!.params.filter((p) => p.startsWith('term_timeout '));
    assert.deepEqual(timeouts, [`term_timeout ${want}`], `confirm_timeout ${confirm ?? 'default (60)'}`);
  }
});

test('`service dlan-agent status` says something useful in cron mode, in daemon mode and when disabled', () => {
  const status = (r: Root) => {
    const fakeQjs = join(r.bin, 'qjs');
    writeFileSync(fakeQjs, '#!/bin/sh\nshift\necho "dlan-agent says: $*"\n');
    chmodSync(fakeQjs, 0o755);
    return spawnSync('sh', [join(r.root, 'etc/rc.common'), join(r.root, 'etc/init.d/dlan-agent'), 'status'], {
      encoding: 'utf8',
      env: { PATH: `${r.bin}:/usr/bin:/bin`, IPKG_INSTROOT: r.root, DLAN_AGENT_LIBDIR: join(r.root, 'usr/lib/dlan-agent') },
    });
  };
  const cron = install({ dnsmasqHasDhcpv6: false, editConfig: (t) => configured(t).replace("option mode 'daemon'", "option mode 'cron'").replace("option interval '300'", "option interval '600'") });
  assert.equal(cron.run('dlan-agent.postinst', { DLAN_TEST_LIVE: '1' }).status, 0);
  const c = status(cron);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /^cron mode \(no resident process\): root's crontab runs: \*\/10 \* \* \* \* \/usr\/bin\/dlan-agent sync --jitter/m);
  assert.match(c.stdout, /^dlan-agent says: status$/m, "then dlan-agent's own status of the last sync");
  writeFileSync(join(cron.root, 'etc/crontabs/root'), '');
  const lost = status(cron);
  assert.equal(lost.status, 3);
  assert.match(lost.stdout, /no dlan-agent line: run \/etc\/init.d\/dlan-agent start/);

  const daemon = install({ dnsmasqHasDhcpv6: false, editConfig: configured });
  assert.equal(daemon.run('dlan-agent.postinst', { DLAN_TEST_LIVE: '1' }).status, 0);
  const d = status(daemon);
  assert.equal(d.status, 0, d.stderr);
  assert.match(d.stdout, /^running$/m);

  const off = install({ dnsmasqHasDhcpv6: false, editConfig: (t) => configured(t).replace("option enabled '1'", "option enabled '0'") });
  const o = status(off);
  assert.equal(o.status, 3);
  assert.match(o.stdout, /^disabled \(dlan-agent.service.enabled=0\)/);
});

test("the packaged settings file is what dlan-agent's own settings loader reads, without warnings", async () => {
  const host = createNodeHost({ log: createNodeLog({ minLevel: 'error' }) });
  const fresh = install({ dnsmasqHasDhcpv6: false });
  const unset = await loadSettings(host, fresh.root);
  assert.equal(unset.ok, false, 'without a repo the settings are incomplete');
  assert.match(unset.ok ? '' : unset.errors.join('\n'), /repo/);

  const r = install({ dnsmasqHasDhcpv6: false, editConfig: configured });
  const loaded = await loadSettings(host, r.root);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
  assert.deepEqual(loaded.warnings, []);
  assert.equal(loaded.location.format, 'uci');
  assert.equal(loaded.settings.repo, 'https://git.example.net/net/dlan-config.git');
  assert.equal(loaded.settings.interval, 300);
  assert.deepEqual(loaded.settings.allowedSigners, [SIGNER_1, SIGNER_2]);
});

test('/usr/bin/dlan-agent picks the runtime and passes the arguments through untouched', () => {
  const r = install({ dnsmasqHasDhcpv6: false });
  const wrapper = join(r.root, 'usr/bin/dlan-agent');
  const lib = join(r.root, 'usr/lib/dlan-agent');
  const fakeQjs = join(r.bin, 'qjs');
  writeFileSync(fakeQjs, '#!/bin/sh\nfor a in "$@"; do echo "qjs[$a]"; done\n');
  chmodSync(fakeQjs, 0o755);
  const run = (env: Record<string, string>, ...args: string[]) =>
    spawnSync('sh', [wrapper, ...args], { encoding: 'utf8', env: { PATH: `${r.bin}:/usr/bin:/bin`, DLAN_AGENT_LIBDIR: lib, ...env } });

  const auto = run({}, 'render', 'a b', '$(id)');
  assert.equal(auto.stdout, `qjs[${lib}/dlan-agent.qjs.js]\nqjs[render]\nqjs[a b]\nqjs[$(id)]\n`);

  // node: the real bundle from the node package, on this machine's node.
  const nodeRoot = install({ dnsmasqHasDhcpv6: false, variant: 'dlan-agent-node' });
  const nodeDir = join(process.execPath, '..');
  const viaNode = spawnSync('sh', [join(nodeRoot.root, 'usr/bin/dlan-agent'), '--version'], {
    encoding: 'utf8',
    env: { PATH: `${nodeDir}:/usr/bin:/bin`, DLAN_AGENT_LIBDIR: join(nodeRoot.root, 'usr/lib/dlan-agent'), DLAN_AGENT_RUNTIME: 'node' },
  });
  assert.equal(viaNode.status, 0, viaNode.stderr);
  assert.match(viaNode.stdout, /^dlan-agent \d+\.\d+\.\d+/);

  const none = spawnSync('/bin/sh', [wrapper, '--version'], { encoding: 'utf8', env: { PATH: '/nonexistent', DLAN_AGENT_LIBDIR: lib } });
  assert.equal(none.status, 127);
  assert.match(none.stderr, /no usable JavaScript runtime/);
  assert.equal(run({ DLAN_AGENT_RUNTIME: 'perl' }, '--version').status, 64);
});
