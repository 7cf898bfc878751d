import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGetentAhosts, parseNslookup, resolveNames } from '../../agent/backend/common/resolve-names.ts';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { renderNginxStreamConf } from '../../agent/render/nginx/render-nginx-stream.ts';
import type { DesiredState, ServiceSlice } from '../../agent/slice/desired-state.ts';
import { resolveServiceUpstreams, upstreamNames } from '../../agent/slice/resolve-service-upstreams.ts';

function stateWith(services: ServiceSlice[]): DesiredState {
  return { router: 'r4', services } as unknown as DesiredState;
}
const web: ServiceSlice = {
  name: 'web',
  protocol: 'tcp',
  listen: [{ raw: '80', family: 'ipv4', address: null, port: 80 }],
  upstreams: [
    { host: 's1.r1.lan', port: 80 },
    { host: '10.2.1.10', port: 80 },
    { host: 'gone.r2.lan', port: 8080 },
  ],
  proxyProtocol: false,
};

test('upstream names are listed once, addresses are not', () => {
  assert.deepEqual(upstreamNames(stateWith([web, { ...web, name: 'web2' }])), ['gone.r2.lan', 's1.r1.lan']);
});

test('resolved names become sorted addresses; unresolved ones are left out and reported', () => {
  const resolved = resolveServiceUpstreams(stateWith([web]), { 's1.r1.lan': ['fd79:2de7:db86::2', '10.2.0.2', '10.2.0.2'] });
  const svc = resolved.services[0]!;
  assert.deepEqual(svc.upstreams, [
    { host: '10.2.0.2', port: 80 },
    { host: 'fd79:2de7:db86::2', port: 80 },
    { host: '10.2.1.10', port: 80 },
  ]);
  assert.deepEqual(svc.unresolvedUpstreams, ['gone.r2.lan:8080']);
  const conf = renderNginxStreamConf(resolved);
  assert.match(conf, /server 10\.2\.0\.2:80;\n\t\tserver \[fd79:2de7:db86::2\]:80;\n\t\tserver 10\.2\.1\.10:80;/);
  assert.match(conf, /# dlan_web: left out, does not resolve: gone\.r2\.lan:8080/);
  assert.doesNotMatch(conf, /server gone/);
});

test('a service with no resolvable upstream is not served (nginx rejects an empty upstream)', () => {
  const only = { ...web, upstreams: [{ host: 'gone.r2.lan', port: 80 }] };
  const conf = renderNginxStreamConf(resolveServiceUpstreams(stateWith([only]), {}));
  assert.doesNotMatch(conf, /upstream dlan_web \{/);
  assert.doesNotMatch(conf, /listen 80/);
  assert.match(conf, /# dlan_web: not served, no upstream resolves/);
});

test('output parsers of getent and busybox nslookup', () => {
  assert.deepEqual(parseGetentAhosts('10.2.0.2        STREAM s1.r1.lan\n10.2.0.2        DGRAM\nfd79::2  STREAM\n'), ['10.2.0.2', 'fd79::2']);
  const busybox = 'Server:\t\t127.0.0.1\nAddress:\t127.0.0.1:53\n\nName:\ts1.r1.lan\nAddress: 10.2.0.2\n\nName:\ts1.r1.lan\nAddress: fd79:2de7:db86::2\n';
  assert.deepEqual(parseNslookup(busybox), ['10.2.0.2', 'fd79:2de7:db86::2']);
  assert.deepEqual(parseNslookup('Server:\t\t127.0.0.1\nAddress:\t127.0.0.1#53\n\n** server can\'t find x: NXDOMAIN\n'), []);
});

test('resolveNames asks the system resolver (loopback name only)', async () => {
  const answers = await resolveNames(createNodeHost(), ['localhost', 'does-not-exist.invalid']);
  assert.ok(answers['localhost']!.includes('127.0.0.1'), JSON.stringify(answers));
  assert.deepEqual(answers['does-not-exist.invalid'], []);
});
