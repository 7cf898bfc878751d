// `status` and roaming clients: a link peer without a fresh handshake is a problem, a roaming
// client's never is (laptops sleep); both are named in the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import { sliceRouter } from '../../agent/slice/slice-router.ts';
import { peerNamesOf, stalePeerProblems } from '../../agent/gitops/probes/peer-health.ts';

const loaded = loadConfig([{ path: 'dlan.yaml', text: readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'roaming-client', 'dlan.yaml'), 'utf8') }]);
if (!loaded.ok) throw new Error('example invalid');
const office = sliceRouter(loaded.config, 'office');

test('status names link peers by router and roaming clients by client', () => {
  const names = peerNamesOf(office);
  assert.equal(names.get(office.wireguard.peers[0]!.publicKey), 'home');
  assert.equal(names.get(office.wireguard.clients![0]!.publicKey), 'phone');
  assert.equal(peerNamesOf(null).size, 0);
});

test('a silent link peer degrades the router, a silent roaming client does not', () => {
  const names = peerNamesOf(office);
  const peer = (publicKey: string, age: number | null) => ({ publicKey, router: names.get(publicKey) ?? null, latestHandshakeAgeSeconds: age });
  const [home, cloud] = office.wireguard.peers;
  const [phone, tablet] = office.wireguard.clients!;
  assert.deepEqual(stalePeerProblems(office, [peer(home!.publicKey, 5), peer(cloud!.publicKey, null), peer(phone!.publicKey, null), peer(tablet!.publicKey, 86_400)]), ['peer cloud: no recent handshake']);
  assert.deepEqual(stalePeerProblems(office, [peer(home!.publicKey, 181)]), ['peer home: no recent handshake']);
  assert.deepEqual(stalePeerProblems(office, [peer('X'.repeat(43) + '=', null)]), ['peer XXXXXXXX: no recent handshake'], 'an unknown peer still counts');
});
