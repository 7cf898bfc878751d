// The wg-quick file of one roaming VPN client (`dlan-agent client-config NAME`). It carries no
// private key: the client makes its own and only its public key goes into the config repo. The
// home router gets every mesh prefix; with an egress router, the internet (0.0.0.0/0, ::/0) goes
// there (to home when egress is home): WireGuard picks the peer by longest prefix, so mesh traffic
// still goes home.
import type { Client, Config, Router } from '../../config/config-types.ts';
import { clientAddresses } from '../../slice/client-addresses.ts';
import { routerAddresses } from '../../slice/mesh-addresses.ts';
import { safeHost, safeInt, safeName, safePrefix } from '../../base/safe-token.ts';

export class UnknownClientError extends Error {
  constructor(readonly client: string, readonly known: string[]) {
    super(`client \`${client}\` is not in the config (clients: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownClientError';
  }
}

const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const INTERNET = ['0.0.0.0/0', '::/0'];

/** Every prefix routed inside the mesh: loopbacks, clients, every LAN (not tunnel/transit: hop-local). */
export function meshPrefixes(config: Config): string[] {
  const a = config.addressing;
  const lans = config.routers.flatMap((r) => r.lan.flatMap((l) => [l.ipv4, ...(l.ipv6 === null ? [] : [l.ipv6])]));
  return [...new Set([a.loopback_ipv4, a.client_ipv4, ...lans.filter((p) => !p.includes(':')), a.loopback_ipv6, a.client_ipv6, ...lans.filter((p) => p.includes(':'))])];
}

function endpointText(router: Router): string {
  // Validation guarantees home and egress have an endpoint.
  const e = router.endpoint!;
  const host = safeHost(e.host);
  return `${host.includes(':') ? `[${host}]` : host}:${safeInt(e.port, 1, 65535)}`;
}

function peerLines(config: Config, router: Router, why: string, allowed: string[]): string[] {
  if (!WG_KEY.test(router.public_key)) throw new Error(`router ${router.name}: not a WireGuard public key`);
  return [
    '[Peer]',
    `# ${safeName(router.name)}: ${why}`,
    `PublicKey = ${router.public_key}`,
    `Endpoint = ${endpointText(router)}`,
    `AllowedIPs = ${allowed.map(safePrefix).join(', ')}`,
    `PersistentKeepalive = ${safeInt(config.wireguard.keepalive, 0, 65535)}`,
  ];
}

export function renderClientConfig(config: Config, clientName: string): string {
  const client: Client | undefined = config.clients.find((c) => c.name === clientName);
  if (!client) throw new UnknownClientError(clientName, config.clients.map((c) => c.name));
  const name = safeName(client.name);
  const home = config.routers.find((r) => r.name === client.home)!;
  const egress = client.egress === null ? null : config.routers.find((r) => r.name === client.egress)!;
  const me = clientAddresses(config, client.id);
  const dns = routerAddresses(config, home.id).loopbackIpv4;
  const keyFile = `/etc/wireguard/${name}.key`;
  const lines = [
    `# wg-quick file of dlan roaming client ${name} (id ${client.id}), printed by \`dlan-agent client-config ${name}\`.`,
    '# The private key is not in here and never goes into the config repo. Create it on this device:',
    `#   umask 077; wg genkey > ${keyFile}`,
    `#   wg pubkey < ${keyFile}    # must equal clients.${name}.public_key in the config repo`,
    '# Phone apps take the private key pasted in instead: delete the PostUp line, import the file,',
    '# then paste the key (or let the app generate the pair and put its public key in the repo).',
    '[Interface]',
    `Address = ${safePrefix(`${me.ipv4}/32`)}, ${safePrefix(`${me.ipv6}/128`)}`,
    `DNS = ${safeHost(dns)}, ${safeHost(config.domain)}`,
    `MTU = ${safeInt(config.wireguard.mtu, 576, 65535)}`,
    `PostUp = wg set %i private-key ${keyFile}`,
    '',
  ];
  // The home router's own wg0 address too: what the router itself sends the client (a ping, an
  // ICMP error) leaves wg0 with that source, and WireGuard drops a source outside AllowedIPs.
  const homeTunnel = routerAddresses(config, home.id);
  const homeMesh = [...meshPrefixes(config), `${homeTunnel.tunnelIpv4}/32`, `${homeTunnel.tunnelIpv6}/128`];
  const homeAllowed = egress !== null && egress.name === home.name ? [...homeMesh, ...INTERNET] : homeMesh;
  lines.push(...peerLines(config, home, egress?.name === home.name ? 'home router (the mesh) and egress (the internet)' : 'home router (the mesh)', homeAllowed));
  if (egress !== null && egress.name !== home.name) {
    lines.push('', ...peerLines(config, egress, 'egress router (the internet; the mesh prefixes above are more specific)', INTERNET));
  }
  return `${lines.join('\n')}\n`;
}
