// Roaming VPN clients on OpenWrt, through the uci double: the reference mesh with a laptop at home
// on r4 whose internet leaves through r5. r4 gets a routed client peer; r5 the same peer plus the
// IPv6 masquerade; uci accepts the batch, a second apply changes nothing, and removing the client
// removes exactly its sections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { makeStockRoot, referenceConfig, runAgent, seedKey, uci, uciVerbs, useUciDouble } from './support/openwrt-root.ts';

const log = useUciDouble();
const LAPTOP = 'Gc0+yzW0KBAVex0jakQaFnCpSXpIKqW80XJBhKAy6Qo=';
const withLaptop = (yaml: string) => `${yaml}\nclients:\n  laptop:\n    id: 7\n    public_key: ${LAPTOP}\n    home: r4\n    egress: r5\n`;

test('a client peer on its home (r4) and egress (r5) routers: accepted by uci, idempotent, removable', async () => {
  const config = referenceConfig(withLaptop);
  for (const router of ['r4', 'r5']) {
    const root = makeStockRoot();
    seedKey(root, router);
    const first = await runAgent(['apply', '--config', config, '--router', router, '--root', root]);
    assert.equal(first.code, 0, first.stderr + first.logs.join('\n'));
    const show = uci(root, ['show', 'network.dlan_client_7']);
    assert.equal(show.code, 0, show.stderr);
    assert.deepEqual(show.stdout.trim().split('\n'), [
      'network.dlan_client_7=wireguard_wg0',
      "network.dlan_client_7.description='laptop'",
      `network.dlan_client_7.public_key='${LAPTOP}'`,
      "network.dlan_client_7.allowed_ips='10.1.2.7/32' 'fd00:0:1:2::7/128'",
      "network.dlan_client_7.route_allowed_ips='1'",
    ]);
    const nat = uci(root, ['show', 'firewall.dlan_nat6_client_0']);
    if (router === 'r5') {
      assert.equal(nat.code, 0, nat.stderr);
      assert.match(nat.stdout, /firewall\.dlan_nat6_client_0\.src_ip='fd00:0:1:2::7\/128'/);
      assert.match(nat.stdout, /firewall\.dlan_nat6_client_0\.target='MASQUERADE'/);
    } else {
      assert.notEqual(nat.code, 0, 'no masquerade on the home router that is not egress');
    }

    writeFileSync(log, '');
    const second = await runAgent(['apply', '--config', config, '--router', router, '--root', root]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /no changes/);
    assert.deepEqual(uciVerbs(log).filter((v) => v !== 'export'), []);

    const without = await runAgent(['apply', '--config', referenceConfig(), '--router', router, '--root', root]);
    assert.equal(without.code, 0, without.stderr);
    assert.notEqual(uci(root, ['show', 'network.dlan_client_7']).code, 0, 'the client peer is gone');
    assert.notEqual(uci(root, ['show', 'firewall.dlan_nat6_client_0']).code, 0);
  }
});
