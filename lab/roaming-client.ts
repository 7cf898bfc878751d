// The lab's roaming VPN client: a namespace on the internet bridge running wireguard-go with the
// wg-quick file `dlan-agent client-config` prints (its private key made here, its public key
// committed to the config repo). wg-quick itself is not used (it would touch the host's DNS and
// policy routing); the lab does its part by hand: addresses, and a route per AllowedIPs prefix of
// the mesh. The internet (0.0.0.0/0) is not routed wholesale: only the lab's internet address
// (203.0.113.1/32) goes through the tunnel, so the client still reaches the routers' endpoints.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document } from 'yaml';
import { commitConfig } from './config-repo.ts';
import { ensureDaemon } from './daemons.ts';
import { LAB_INTERVAL_S, deployMode, redeployAll } from './deploy.ts';
import { agent, agentArgv } from './router-cli.ts';
import { inNs, must, run, waitFor } from './run.ts';
import { INTERNET, LAB_DIR, ROAMING, ROUTERS, routerByName } from './topology.ts';

export interface RoamingClient {
  /** The wg-quick file as printed by client-config. */
  wgQuick: string;
  ipv4: string;
  ipv6: string;
}

const dir = join(LAB_DIR, 'roam');

/** Key pair as the client makes it (`wg genkey`, `wg pubkey`). */
function keyPair(): { privateKey: string; publicKey: string } {
  const privateKey = must(['wg', 'genkey']).trim();
  const publicKey = must(['wg', 'pubkey'], { input: `${privateKey}\n` }).trim();
  return { privateKey, publicKey };
}

/** The config change an admin makes for the client. */
export function addRoamingClient(publicKey: string): (doc: Document) => void {
  return (doc) => doc.setIn(['clients', ROAMING.name], doc.createNode({ id: 1, public_key: publicKey, home: ROAMING.home, egress: ROAMING.egress }));
}

/** The commit `dlan-agent status` says the router applied, and its health. */
function appliedOn(name: string): { sha: string | null; health: string; problems: string[] } {
  const r = routerByName(name);
  const out = agent(r, ['status', '--json', '--root', r.root], 30_000);
  try {
    const doc = JSON.parse(out.stdout) as { health: string; problems: string[]; sync: { applied: { sha: string } | null } };
    return { sha: doc.sync.applied?.sha ?? null, health: doc.health, problems: doc.problems };
  } catch {
    return { sha: null, health: 'unknown', problems: [out.stderr.trim()] };
  }
}

/**
 * Commits the client and waits until its home and egress routers applied it (the others only
 * learn its addresses by OSPF). Unlike pushChange this does not need every router healthy: the
 * checks before may leave one degraded for a while (BFD off, a link just repaired).
 */
export async function pushRoamingClient(publicKey: string): Promise<{ commit: string; ms: number }> {
  const start = Date.now();
  const commit = commitConfig(`Lab: roaming client ${ROAMING.name} (home ${ROAMING.home}, egress ${ROAMING.egress})`, addRoamingClient(publicKey));
  const routers = [ROAMING.home, ROAMING.egress];
  if (deployMode() === 'gitops') {
    try {
      await waitFor(`${routers.join(' and ')} to apply ${commit.slice(0, 7)}`, (LAB_INTERVAL_S + 15) * 1000, () => (routers.every((n) => appliedOn(n).sha?.startsWith(commit.slice(0, 12))) ? true : undefined), 1000);
    } catch (e) {
      const why = ROUTERS.map((r) => `${r.name}: ${JSON.stringify(appliedOn(r.name))}`).join('\n');
      throw new Error(`${(e as Error).message}\n${why}`);
    }
  } else {
    const failed = redeployAll().filter((r) => r.code !== 0);
    if (failed.length > 0) throw new Error(`apply failed: ${failed.map((f) => `${f.router}: ${f.output}`).join('\n')}`);
  }
  return { commit, ms: Date.now() - start };
}

/** `Key = a, b` values of a wg-quick file, in order, per key. */
function values(text: string, key: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${key} =`))
    .flatMap((l) => l.slice(key.length + 2).split(',').map((v) => v.trim()));
}

/** Makes the key pair; the caller commits the public key (see addRoamingClientToConfig). */
export function prepareRoamingKey(): { privateKey: string; publicKey: string } {
  mkdirSync(dir, { recursive: true });
  const keys = keyPair();
  writeFileSync(join(dir, `${ROAMING.name}.key`), `${keys.privateKey}\n`, { mode: 0o600 });
  return keys;
}

/** Starts the client from the config repo at `configDir` (after the routers run the commit). */
export async function startRoamingClient(configDir: string): Promise<RoamingClient> {
  const printed = run(agentArgv(['client-config', ROAMING.name, configDir]));
  if (printed.code !== 0) throw new Error(`client-config failed: ${printed.stderr}`);
  const wgQuick = printed.stdout;
  const conf = join(dir, `${ROAMING.wg}.conf`);
  writeFileSync(conf, wgQuick);
  // What `wg setconf` takes: the file without wg-quick's own keys.
  writeFileSync(join(dir, 'wg.conf'), must(['wg-quick', 'strip', conf]));

  const ns = ROAMING.ns;
  if (run(['ip', '-n', ns, 'link', 'show', 'dev', 'eth0']).code !== 0) {
    must(['ip', '-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'p-roam', 'netns', INTERNET.ns]);
  }
  must(['ip', '-n', INTERNET.ns, 'link', 'set', 'p-roam', 'master', INTERNET.bridge, 'up']);
  must(['ip', '-n', ns, 'addr', 'replace', `${ROAMING.address}/24`, 'dev', 'eth0']);
  must(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
  must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);

  ensureDaemon('wireguard-go-roam', inNs(ns, ['wireguard-go', ROAMING.wg]), { WG_PROCESS_FOREGROUND: '1' });
  await waitFor(`${ROAMING.wg} in ${ns}`, 10_000, () => (run(['ip', '-n', ns, 'link', 'show', 'dev', ROAMING.wg]).code === 0 ? true : undefined), 100);
  must(inNs(ns, ['wg', 'setconf', ROAMING.wg, join(dir, 'wg.conf')]));
  // The PostUp line of the file, as wg-quick would run it.
  const postUp = values(wgQuick, 'PostUp')[0] ?? '';
  if (!postUp.startsWith('wg set %i private-key ')) throw new Error(`unexpected PostUp: ${postUp}`);
  must(inNs(ns, ['wg', 'set', ROAMING.wg, 'private-key', join(dir, `${ROAMING.name}.key`)]));
  const [ipv4, ipv6] = values(wgQuick, 'Address');
  if (!ipv4 || !ipv6) throw new Error(`no Address in:\n${wgQuick}`);
  must(inNs(ns, ['ip', 'addr', 'replace', ipv4, 'dev', ROAMING.wg]));
  must(inNs(ns, ['ip', '-6', 'addr', 'replace', ipv6, 'dev', ROAMING.wg, 'nodad']));
  must(inNs(ns, ['ip', 'link', 'set', ROAMING.wg, 'mtu', values(wgQuick, 'MTU')[0] ?? '1420', 'up']));
  for (const prefix of values(wgQuick, 'AllowedIPs')) {
    if (prefix === '0.0.0.0/0' || prefix === '::/0') continue;
    must(inNs(ns, ['ip', prefix.includes(':') ? '-6' : '-4', 'route', 'replace', prefix, 'dev', ROAMING.wg]));
  }
  const v4 = ipv4.split('/')[0]!;
  must(inNs(ns, ['ip', 'route', 'replace', `${INTERNET.address}/32`, 'dev', ROAMING.wg, 'src', v4]));
  return { wgQuick, ipv4: v4, ipv6: ipv6.split('/')[0]! };
}
