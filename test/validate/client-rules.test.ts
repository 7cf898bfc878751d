// Roaming VPN clients (`clients:`): one test per rule, like semantic-rules.test.ts, plus what the
// format allows (a config without clients keeps using 10.1.2.0/24 for a LAN, a written pool).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, KEY, R1_LAN, edit, expectOnlyError, load, markedLine, describe, type Case } from './validate-support.ts';

export const CLIENT_KEY = {
  laptop: 'N4omp1TMJWTQmbfObRUJT5Mq3I4R4O2IXQR0Nfm1TyU=',
  phone: 'o3hWkZIEkaNOIWL7tJwKPfSauGfQ3gC1pDEl6UJ2xmg=',
} as const;

const LAPTOP = `  laptop:\n    id: 1\n    public_key: ${CLIENT_KEY.laptop}\n    home: r2\n`;
const PHONE = `  phone:\n    id: 2\n    public_key: ${CLIENT_KEY.phone}\n    home: r2\n`;
/** BASE with a `clients:` block (r2 has an endpoint, r1 has none). */
const withClients = (clients = LAPTOP + PHONE, addressing = '') => edit(BASE, ['links:', `${addressing}clients:\n${clients}links:`]);

const cases: Case[] = [
  { name: 'client ids are unique', text: withClients(LAPTOP + edit(PHONE, ['    id: 2\n', '    id: 1 #!\n'])), message: 'duplicate client id 1: already used by client `laptop`', path: 'clients.phone.id' },
  { name: 'a client id fits client_ipv4', text: withClients(edit(LAPTOP, ['    id: 1\n', '    id: 3 #!\n']), 'addressing: { client_ipv4: 10.1.2.0/30 }\n'), message: 'client id 3 does not fit `addressing.client_ipv4` (10.1.2.0/30): it has usable addresses for ids 1..2', path: 'clients.laptop.id' },
  { name: 'a client id fits client_ipv6', text: withClients(edit(LAPTOP, ['    id: 1\n', '    id: 2 #!\n']), 'addressing: { client_ipv6: "fd00:0:1:2::/127" }\n'), message: 'client id 2 does not fit `addressing.client_ipv6`', path: 'clients.laptop.id' },
  { name: "a client's key is not a router's", text: withClients(edit(LAPTOP, [`    public_key: ${CLIENT_KEY.laptop}\n`, `    public_key: ${KEY.r1} #!\n`])), message: 'duplicate public key: the same as router `r1`', path: 'clients.laptop.public_key' },
  { name: "a client's key is not another client's", text: withClients(LAPTOP + edit(PHONE, [`    public_key: ${CLIENT_KEY.phone}\n`, `    public_key: ${CLIENT_KEY.laptop} #!\n`])), message: 'duplicate public key: the same as client `laptop`', path: 'clients.phone.public_key' },
  { name: 'the home router exists', text: withClients(edit(LAPTOP, ['    home: r2\n', '    home: r9 #!\n'])), message: 'unknown router `r9` (routers: r1, r2)', path: 'clients.laptop.home' },
  { name: 'the egress router exists', text: withClients(`${LAPTOP}    egress: r7 #!\n`), message: 'unknown router `r7`', path: 'clients.laptop.egress' },
  { name: 'the home router has an endpoint', text: withClients(edit(LAPTOP, ['    home: r2\n', '    home: r1 #!\n'])), message: 'router `r1` has no `endpoint`: the client dials its home router', path: 'clients.laptop.home' },
  { name: 'the egress router has an endpoint', text: withClients(`${LAPTOP}    egress: r1 #!\n`), message: 'router `r1` has no `endpoint`: the client dials its egress router', path: 'clients.laptop.egress' },
  { name: 'a client is not named like a router', text: withClients(`  r1: #!\n    id: 1\n    public_key: ${CLIENT_KEY.laptop}\n    home: r2\n`), message: "client name `r1` is also a router's name", path: 'clients.r1' },
  { name: 'the client pool does not overlap another pool', text: withClients(LAPTOP, 'addressing:\n  client_ipv4: 10.1.1.0/24 #!\n'), message: '10.1.1.0/24 overlaps `addressing.loopback_ipv4` (10.1.1.0/24, the default)', path: 'addressing.client_ipv4' },
  { name: 'the IPv6 client pool does not overlap another pool', text: withClients(LAPTOP, 'addressing:\n  client_ipv6: "fd00:0:1:1::/96" #!\n'), message: "overlaps `addressing.loopback_ipv6` (fd00:0:1:1::/64, the default)", path: 'addressing.client_ipv6' },
  { name: 'a LAN does not overlap the default client pool when there are clients', text: withClients(LAPTOP).replace('        ipv4: 10.2.0.0/24\n', '        ipv4: 10.1.2.0/24 #!\n'), message: 'overlaps the mesh pool `addressing.client_ipv4` (10.1.2.0/24)', path: 'routers.r1.lan[0].ipv4' },
  // The schema's part: closed objects, key shape, required keys.
  { name: 'a client key is a WireGuard key', text: withClients(edit(LAPTOP, [`    public_key: ${CLIENT_KEY.laptop}\n`, '    public_key: not-a-key #!\n'])), message: 'WireGuard', path: 'clients.laptop.public_key' },
  { name: 'a client has no unknown keys', text: withClients(`${LAPTOP}    endpoint: 1.2.3.4 #!\n`), message: 'endpoint', path: 'clients.laptop.endpoint' },
];

for (const c of cases) {
  test(`client rule: ${c.name}`, async () => {
    await expectOnlyError(c.text, { message: c.message, path: c.path, line: markedLine(c.text) });
  });
}

test('client rule: a client needs a home', async () => {
  const r = await load(withClients(`  laptop:\n    id: 1\n    public_key: ${CLIENT_KEY.laptop}\n`));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.ok(r.diagnostics.some((d) => d.path === 'clients.laptop' && d.message.includes('home')), describe(r.diagnostics));
});

const allowed: { name: string; text: string }[] = [
  { name: 'clients with home and egress', text: withClients(`${LAPTOP}    egress: r2\n${PHONE}`) },
  { name: 'without clients, a LAN may use the default client pool (configs from before clients)', text: BASE.replace('        ipv4: 10.2.0.0/24\n', '        ipv4: 10.1.2.0/24\n') },
  { name: 'a written client pool moves clients away from a LAN', text: withClients(LAPTOP, 'addressing: { client_ipv4: 10.9.0.0/24, client_ipv6: "fd00:0:9::/64" }\n').replace(R1_LAN, R1_LAN.replace('10.2.0.0/24', '10.1.2.0/24')) },
];

for (const c of allowed) {
  test(`client allowed: ${c.name}`, async () => {
    const r = await load(c.text);
    assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
  });
}

test('normalized clients: sorted by name, egress null when absent', async () => {
  const r = await load(withClients(`${PHONE}${LAPTOP}    egress: r2\n`));
  assert.ok(r.ok, r.ok ? '' : describe(r.diagnostics));
  if (!r.ok) return;
  assert.deepEqual(r.config.clients, [
    { name: 'laptop', id: 1, public_key: CLIENT_KEY.laptop, home: 'r2', egress: 'r2' },
    { name: 'phone', id: 2, public_key: CLIENT_KEY.phone, home: 'r2', egress: null },
  ]);
  assert.equal(r.config.addressing.client_ipv4, '10.1.2.0/24');
  assert.equal(r.config.addressing.client_ipv6, 'fd00:0:1:2::/64');
});
