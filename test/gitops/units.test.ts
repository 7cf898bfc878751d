// The pure parts of the agent: settings files (UCI syntax, YAML), settings checks, wg/birdc
// parsers, signature verdicts, schedules, forge requests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBfdSessions, parseOspfNeighbors } from '../../agent/gitops/probes/probe-bird.ts';
import { parseWgDump } from '../../agent/gitops/probes/probe-wireguard.ts';
import { commitStatusRequest, forgeRepository } from '../../agent/gitops/status/report-status.ts';
import { backoffMs, cronExpressionFor, crontabScheduleFor, expressibleInterval, jitterMs } from '../../agent/gitops/schedule.ts';
import { allowedSignersText, judgeVerdict } from '../../agent/gitops/verify-signature.ts';
import { redactUrl } from '../../agent/host/git-client.ts';
import { parseSettings } from '../../agent/settings/agent-settings.ts';
import { parseUciFile, renderUciFile } from '../../agent/settings/uci-file.ts';

test('UCI settings file: reads uci quoting, writes values that cannot inject syntax', () => {
  const text = `
# comment
config agent 'main'
\toption repo 'https://git.example/a/b.git'
\toption branch "ma\\"in"
\toption path dlan.yaml # trailing comment
\tlist allowed_signers 'ssh-ed25519 AAAAC3 it'\\''s me'
\tlist allowed_signers 'second'
config other
\toption x 1
`;
  const s = parseUciFile(text);
  assert.equal(s.length, 2);
  assert.deepEqual(s[0], {
    type: 'agent',
    name: 'main',
    options: { repo: 'https://git.example/a/b.git', branch: 'ma"in', path: 'dlan.yaml', allowed_signers: ["ssh-ed25519 AAAAC3 it's me", 'second'] },
  });
  const hostile = "x'\noption repo 'evil";
  assert.throws(() => renderUciFile([{ type: 'agent', name: 'main', options: { repo: hostile } }]), /control character/);
  const tricky = "a'b; config x 'y' # z";
  const out = renderUciFile([{ type: 'agent', name: 'main', options: { webhook_url: tricky, list: ['p q', "r's"] } }]);
  assert.deepEqual(parseUciFile(out), [{ type: 'agent', name: 'main', options: { webhook_url: tricky, list: ['p q', "r's"] } }]);
  assert.throws(() => renderUciFile([{ type: 'agent', name: 'main', options: { 'bad name': 'x' } }]), /option name/);
  assert.throws(() => parseUciFile("config agent 'main'\n\toption repo 'open"), /EOF with unterminated ' at line 1, byte 18/);
});

test('UCI settings file is read as uci reads it: `#` ends a bare word (uci conformance 151), a list after an option keeps its value (144)', () => {
  const s = parseUciFile("# head\nconfig agent 'main' # after\n\toption a 'b' # after\n\toption c '#notcomment'\n\toption d x#y\n\toption l 'one'\n\tlist l 'two'\n");
  assert.deepEqual(s, [{ type: 'agent', name: 'main', options: { a: 'b', c: '#notcomment', d: 'x', l: ['one', 'two'] } }]);
});

test('settings: defaults, required keys, and clear errors for bad values', () => {
  const ok = parseSettings({ repo: 'https://git.example/admin/mesh.git' }, 'r1');
  assert.ok(ok.ok);
  assert.equal(ok.settings.router, 'r1');
  assert.equal(ok.settings.branch, 'main');
  assert.equal(ok.settings.path, 'dlan.yaml');
  assert.equal(ok.settings.interval, 300);
  assert.equal(ok.settings.confirmTimeout, 60);
  assert.equal(ok.settings.verify, 'none');
  const bad = parseSettings(
    { repo: '--upload-pack=touch /tmp/x', branch: '-x', path: '../etc', interval: '5', verify: 'gpg', allowed_signers: ['not-a-fingerprint'], report: 'gitea' },
    null,
  );
  assert.ok(!bad.ok);
  const text = bad.errors.join('\n');
  for (const key of ['repo:', 'branch:', 'path:', 'router:', 'interval:', 'allowed_signers:', 'report_url:']) assert.ok(text.includes(key), `${key} in ${text}`);
  const ssh = parseSettings({ repo: 'git@git.example:admin/mesh.git', router: 'r2', verify: 'ssh', allowed_signers: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB admin'] }, null);
  assert.ok(ssh.ok);
  assert.ok(!parseSettings({ repo: 'https://x/y', router: 'r1', verify: 'ssh' }, null).ok, 'verify without any allowed key is an error');
  assert.ok(!parseSettings({ repo: 'https://x/y', router: 'r1', report_token: 'a b' }, null).ok);
});

test('settings: allow_rewind is off and max_repo_mb is 16 unless set; bad values are clear errors', () => {
  const def = parseSettings({ repo: 'https://x/y', router: 'r1' }, null);
  assert.ok(def.ok);
  assert.equal(def.settings.allowRewind, false);
  assert.equal(def.settings.maxRepoBytes, 16 * 1024 * 1024);
  const set = parseSettings({ repo: 'https://x/y', router: 'r1', allow_rewind: 'true', max_repo_mb: '3' }, null);
  assert.ok(set.ok);
  assert.deepEqual(set.warnings, [], 'both are known settings');
  assert.equal(set.settings.allowRewind, true);
  assert.equal(set.settings.maxRepoBytes, 3 * 1024 * 1024);
  const bad = parseSettings({ repo: 'https://x/y', router: 'r1', allow_rewind: 'yes please', max_repo_mb: '0' }, null);
  assert.ok(!bad.ok);
  assert.match(bad.errors.join('\n'), /allow_rewind: must be true or false/);
  assert.match(bad.errors.join('\n'), /max_repo_mb: must be a whole number of megabytes from 1 to 4096 \(got "0"\)/);
});

test('settings: git:// and http:// repos are accepted with a warning that they are unauthenticated; https is not warned about', () => {
  for (const repo of ['git://203.0.113.1/dlan.git', 'http://git.example/mesh.git']) {
    const r = parseSettings({ repo, router: 'r1' }, null);
    assert.ok(r.ok, repo);
    assert.equal(r.settings.repo, repo);
    assert.equal(r.warnings.length, 1, repo);
    assert.match(r.warnings[0]!, /unauthenticated.*verify: ssh or gpg/);
  }
  const https = parseSettings({ repo: 'https://git.example/mesh.git', router: 'r1' }, null);
  assert.ok(https.ok);
  assert.deepEqual(https.warnings, []);
  assert.ok(!parseSettings({ repo: 'ftp://git.example/mesh.git', router: 'r1' }, null).ok, 'other schemes stay refused');
});

test('allowed signers: a bare key gets a principal, full lines are kept', () => {
  assert.equal(allowedSignersText(['ssh-ed25519 AAAA admin', 'alice namespaces="git" ssh-ed25519 BBBB']), 'dlan-signer namespaces="git" ssh-ed25519 AAAA admin\nalice namespaces="git" ssh-ed25519 BBBB\n');
});

test('signature verdicts: only a good signature by an allowed key passes', () => {
  const v = (verdict: string, fingerprint = '', primaryFingerprint = '') => ({ verdict, fingerprint, primaryFingerprint, signer: 'x' });
  assert.equal(judgeVerdict('ssh', [], v('G', 'SHA256:a')).ok, true);
  assert.match((judgeVerdict('ssh', [], v('U', 'SHA256:a')) as { reason: string }).reason, /not allowed/);
  assert.match((judgeVerdict('ssh', [], v('N')) as { reason: string }).reason, /not signed/);
  assert.match((judgeVerdict('gpg', ['AB'.repeat(20)], v('E')) as { reason: string }).reason, /not allowed/);
  assert.equal(judgeVerdict('gpg', ['ab'.repeat(20)], v('U', 'CD'.repeat(20), 'AB'.repeat(20))).ok, true, 'primary fingerprint, any case');
  assert.equal(judgeVerdict('gpg', ['AB'.repeat(20)], v('G', 'CD'.repeat(20), 'CD'.repeat(20))).ok, false, 'a valid key that is not allowed');
  assert.match((judgeVerdict('gpg', [], v('B')) as { reason: string }).reason, /bad signature/);
});

test('wg show dump: the private key of line 1 never reaches the result', () => {
  const dump = [
    'PRIVATEKEYPRIVATEKEYPRIVATEKEYPRIVATEKEY00=\tPUB0\t51820\toff',
    'PEER1=\t(none)\t203.0.113.5:51820\t10.1.0.2/32,fd00:0:1::2/128\t1700000000\t1234\t5678\t25',
    'PEER2=\t(none)\t(none)\t10.1.0.3/32\t0\t0\t0\toff',
  ].join('\n');
  const peers = parseWgDump(dump);
  assert.ok(!JSON.stringify(peers).includes('PRIVATEKEY'));
  assert.deepEqual(peers[0], { publicKey: 'PEER1=', endpoint: '203.0.113.5:51820', allowedIps: ['10.1.0.2/32', 'fd00:0:1::2/128'], latestHandshake: 1700000000, rxBytes: 1234, txBytes: 5678, persistentKeepalive: 25 });
  assert.equal(peers[1]!.latestHandshake, null);
  assert.equal(peers[1]!.endpoint, null);
});

test('birdc tables (as printed by BIRD 2.0.12)', () => {
  const ospf = 'BIRD 2.0.12 ready.\nospf4:\nRouter ID   \tPri\t     State     \tDTime\tInterface  Router IP\n10.1.1.2\t  1\tFull/PtP  \t32.851\tdlan_vx2   10.0.0.2\nospf6:\nRouter ID   \tPri\t     State     \tDTime\tInterface  Router IP\n10.1.1.2\t  1\tInit/PtP  \t39.000\tdlan_vx2   fe80::1\n';
  assert.deepEqual(parseOspfNeighbors(ospf), [
    { protocol: 'ospf4', routerId: '10.1.1.2', state: 'Full/PtP', interface: 'dlan_vx2', address: '10.0.0.2' },
    { protocol: 'ospf6', routerId: '10.1.1.2', state: 'Init/PtP', interface: 'dlan_vx2', address: 'fe80::1' },
  ]);
  const bfd = 'BIRD 2.0.12 ready.\nbfd1:\nIP address                Interface  State      Since         Interval  Timeout\n10.0.0.2                  dlan_vx2   Up         10:00:01.123    0.200    1.000\n';
  assert.deepEqual(parseBfdSessions(bfd), [{ protocol: 'bfd1', address: '10.0.0.2', interface: 'dlan_vx2', state: 'Up', since: '10:00:01.123' }]);
  assert.deepEqual(parseOspfNeighbors('BIRD 2.0.12 ready.\nospf4:\nRouter ID   \tPri\t     State     \tDTime\tInterface  Router IP\n'), []);
});

test('schedule: cron expressions, jitter ≤ 10 %, exponential backoff capped at an hour', () => {
  assert.equal(cronExpressionFor(300), '0 */5 * * * *');
  assert.equal(cronExpressionFor(30), '*/30 * * * * *');
  assert.equal(cronExpressionFor(7200), '0 0 */2 * * *');
  assert.equal(cronExpressionFor(420), null);
  assert.equal(cronExpressionFor(45), null);
  assert.equal(expressibleInterval(420), 360);
  assert.equal(crontabScheduleFor(300), '*/5 * * * *');
  assert.equal(crontabScheduleFor(30), null);
  assert.equal(jitterMs(300, () => 0), 0);
  assert.ok(jitterMs(300, () => 0.999999) < 30_000);
  assert.equal(jitterMs(300, () => 0.5), 15_000);
  assert.deepEqual([1, 2, 3, 4].map((f) => backoffMs(300, f)), [0, 300_000, 900_000, 2_100_000]);
  assert.equal(backoffMs(300, 30), 3_600_000);
});

test('forge requests: Gitea, GitHub, GitLab endpoints, context dlan/<router>, token in headers only', () => {
  const base = parseSettings({ repo: 'https://git.example/admin/mesh.git', router: 'r1', report: 'gitea', report_url: 'https://git.example/', report_token: 'tok' }, null);
  assert.ok(base.ok);
  const s = base.settings;
  assert.equal(forgeRepository(s), 'admin/mesh');
  const ev = { event: 'applied', sha: 'a'.repeat(40), state: 'failure' as const, description: 'x'.repeat(200) };
  const gitea = commitStatusRequest(s, ev)!;
  assert.equal(gitea.url, `https://git.example/api/v1/repos/admin/mesh/statuses/${'a'.repeat(40)}`);
  assert.equal(gitea.headers!.authorization, 'token tok');
  const body = JSON.parse(gitea.body!);
  assert.equal(body.context, 'dlan/r1');
  assert.equal(body.state, 'failure');
  assert.equal(body.description.length, 140);
  const gh = commitStatusRequest({ ...s, report: { ...s.report, forge: 'github', url: 'https://api.github.com' } }, ev)!;
  assert.equal(gh.url, `https://api.github.com/repos/admin/mesh/statuses/${'a'.repeat(40)}`);
  assert.equal(gh.headers!.authorization, 'Bearer tok');
  const gl = commitStatusRequest({ ...s, repo: 'git@gitlab.com:group/sub/mesh.git', report: { ...s.report, forge: 'gitlab', url: 'https://gitlab.com' } }, ev)!;
  assert.equal(gl.url, `https://gitlab.com/api/v4/projects/group%2Fsub%2Fmesh/statuses/${'a'.repeat(40)}`);
  assert.equal(gl.headers!['private-token'], 'tok');
  assert.equal(JSON.parse(gl.body!).state, 'failed');
  assert.equal(JSON.parse(gl.body!).name, 'dlan/r1');
  assert.equal(redactUrl('fatal: unable to access https://user:s3cret@git.example/x'), 'fatal: unable to access https://***@git.example/x');
});
