// The desired state of ONE router: everything a backend (UCI, Linux) needs, already computed.
// It is the single input of every renderer. It holds no secrets (the router's private key stays
// on the router and is read by the backend at apply time) and no defaults left to resolve.
// Arrays are in a deterministic order (documented per field) so that rendering is byte-stable.

export interface DesiredState {
  /** Format version of this structure (bumped on incompatible change). */
  schema: 1;
  router: string;
  id: number;
  hostname: string;
  /** Mesh domain (e.g. `lan`); this router serves `<router>.<domain>`. */
  domain: string;
  /** `<router>.<domain>`. */
  localDomain: string;
  loopback: { ipv4: string; ipv6: string };
  wan: WanInterface[];
  lan: LanInterface[];
  wireguard: WireguardInterface;
  /** One per link of this router, sorted by peer id. */
  links: LinkSlice[];
  ospf: OspfIntent;
  dns: DnsIntent;
  /** Services listening on this router, sorted by name. */
  services: ServiceSlice[];
  firewall: FirewallIntent;
  /** `null`: leave SSH settings alone (no `admin.ssh_keys` in the config). */
  ssh: SshIntent | null;
  monitoring: { nginxStatusPort: number | null };
  /** Routers of the mesh this router has no link with while the mesh has others (informational). */
  isolated: boolean;
}

export interface WanInterface {
  /** Logical name, `wan0`, `wan1`… in config order. */
  name: string;
  device: string;
  mac: string | null;
  /** `null` = DHCPv4 client. */
  ipv4: { address: string; prefix: number; gateway: string | null } | null;
  /** `null` = DHCPv6 client (no prefix delegation). */
  ipv6: { address: string; prefix: number; gateway: string | null } | null;
}

export interface LanInterface {
  /** Logical name, `lan0`, `lan1`… in config order. */
  name: string;
  device: string;
  mac: string | null;
  ipv4: Prefix & { address: string; netmask: string };
  ipv6: (Prefix & { address: string }) | null;
  /** `null`: no DHCP on this LAN (static hosts only). */
  dhcp: DhcpIntent | null;
  /** Static leases, IPv4 (by MAC) then IPv6 (by DUID), each sorted by host part. */
  leases: LeaseSlice[];
}

export interface Prefix {
  /** Network address, e.g. `10.2.0.0`. */
  network: string;
  prefix: number;
  /** `network/prefix`. */
  cidr: string;
}

export interface DhcpIntent {
  /** Host part of the first dynamic address (as in OpenWrt's `start`). */
  start: number;
  /** Number of dynamic addresses (as in OpenWrt's `limit`). */
  limit: number;
  /** First and last dynamic IPv4 address. */
  rangeStart: string;
  rangeEnd: string;
  leaseTime: string;
  /** DHCPv6 + RA are served when the LAN has an IPv6 prefix. */
  ipv6: boolean;
}

export type LeaseSlice =
  | { family: 'ipv4'; mac: string; host: number; name: string; address: string }
  | { family: 'ipv6'; duid: string; host: number; name: string; address: string };

export interface WireguardInterface {
  /** Interface (device) name: `wg0`. */
  interface: string;
  listenPort: number;
  mtu: number;
  /** This router's tunnel addresses with the pool prefix, e.g. `10.1.0.1/24`. */
  addresses: { ipv4: string; ipv6: string };
  /** The public key from the config; the backend refuses to apply when the local key differs. */
  publicKey: string;
  /** One per link, sorted by peer id. */
  peers: WireguardPeer[];
  /**
   * Roaming VPN clients this router serves (home or egress), sorted by client id; absent when
   * none. They dial in (no endpoint, no keepalive) and their addresses are routed to wg0.
   */
  clients?: WireguardClientPeer[];
}

export interface WireguardClientPeer {
  client: string;
  clientId: number;
  publicKey: string;
  /** The client's /32 and /128 from the client pools; also routed to wg0 on this router. */
  allowedIps: string[];
  /** `home`: this router advertises the client in OSPF; `egress`: internet exit only. */
  role: 'home' | 'egress';
}

export interface WireguardPeer {
  router: string;
  publicKey: string;
  /** The peer's tunnel /32 and /128: only hop-by-hop VXLAN traffic enters the tunnel. */
  allowedIps: string[];
  /** Present when this router dials the peer. */
  endpoint: { host: string; port: number } | null;
  /** Set by resolvePeerEndpoints when the config gave a host name: `endpoint` is then its address, or null while it does not resolve. */
  endpointName?: string;
  /** Seconds; 0 = off. Set on the dialing side only. */
  persistentKeepalive: number;
}

export interface LinkSlice {
  peer: string;
  peerId: number;
  pairId: number;
  /** VXLAN network identifier = pair id. */
  vni: number;
  /** VXLAN device name, `dlan_vx<peerId>` (≤ 15 characters). */
  interface: string;
  /** UDP port of VXLAN (inside WireGuard). */
  vxlanPort: number;
  /** Local and remote VXLAN endpoints: the two routers' tunnel IPv4 addresses. */
  localTunnelIpv4: string;
  remoteTunnelIpv4: string;
  /** Transit /30 of the link: this side's address with prefix, the peer's address, the network. */
  transit: { address: string; peerAddress: string; network: string; prefix: 30 };
  cost: number;
  mtu: number;
  bfd: boolean;
  /** The link's own BFD timers (config `bfd_interval`/`bfd_multiplier` on the link); absent = mesh-wide. */
  bfdTimers?: { intervalMs: number; multiplier: number };
  /** True when this router initiates the WireGuard handshake (it knows the peer's endpoint). */
  dials: boolean;
  /**
   * The link's WireGuard preshared key, still sealed (an armored age file, ciphertext only): the
   * backend opens it at apply time with the router's age identity (agent/secrets/
   * open-link-secrets.ts). Absent when the link has none. The plaintext never enters this state.
   */
  sealedPresharedKey?: string;
}

export interface OspfIntent {
  /** The loopback IPv4. */
  routerId: string;
  hello: number;
  dead: number;
  /** LAN devices: their prefixes are advertised, no adjacency is formed on them. */
  stubInterfaces: string[];
  /**
   * The loopback /32 and /128, advertised as stub networks: BIRD ignores loopback interfaces
   * (IFF_LOOPBACK), so `interface "lo" { stub; }` would advertise nothing.
   */
  loopbackPrefixes: { ipv4: string; ipv6: string };
  /** The /32s and /128s of the roaming clients at home here, advertised as stub networks; absent when none. */
  clientPrefixes?: { ipv4: string[]; ipv6: string[] };
  /** VXLAN interfaces, point-to-point, with cost. Sorted by peer id. */
  /** `bfdTimers`: the link's own BFD timers, absent when it uses the mesh-wide `bfd` ones. */
  ptpInterfaces: { interface: string; cost: number; bfd: boolean; bfdTimers?: { intervalMs: number; multiplier: number } }[];
  bfd: { enabled: boolean; intervalMs: number; multiplier: number };
}

export interface DnsIntent {
  /** `<router>.<domain>`, answered locally, never forwarded. */
  localDomain: string;
  /** Upstream resolvers (IP addresses); empty = the resolvers learned on the WAN. */
  upstreams: string[];
  /** Every other router's domain, sent to its loopback. Sorted by domain. */
  delegations: { domain: string; server: string }[];
  /** Static records served by every router: one entry per name, addresses in config order. */
  records: { name: string; addresses: string[] }[];
  /** Static CNAME records (mesh-wide) in config order; absent when there are none. */
  cnames?: { name: string; target: string }[];
  /** Static SRV records (mesh-wide) in config order; absent when there are none. */
  srv?: { name: string; target: string; port: number; priority: number; weight: number }[];
  /** Static TXT records (mesh-wide) in config order; text is printable ASCII without `"` and `\\`. */
  txt?: { name: string; text: string }[];
  /** Static MX records (mesh-wide) in config order; absent when there are none. */
  mx?: { name: string; target: string; preference: number }[];
  /**
   * PTR records this router serves: its loopback IPv4 and IPv6 (named `localDomain`), the static
   * leases of its LANs (`<lease>.<localDomain>`), the roaming clients at home here
   * (`<client>.<localDomain>`), then the static A/AAAA records on one of those addresses or in one
   * of its LANs (config order). An address may have several names. Always set by the slice;
   * optional only for hand-made states.
   */
  ptr?: { address: string; name: string }[];
  /** This router's reverse zones (its loopback and client addresses, its LAN prefixes): answered here, never forwarded. */
  reverseZones?: string[];
  /** Every other router's reverse zones, sent to its loopback IPv4; by router name, then as reverseZones. */
  reverseDelegations?: { zone: string; server: string }[];
  /** Addresses dnsmasq listens on besides the LANs: the loopback (delegated queries). */
  listenAddresses: string[];
}

export interface ServiceSlice {
  name: string;
  protocol: 'tcp' | 'udp';
  listen: ListenSlice[];
  upstreams: { host: string; port: number }[];
  proxyProtocol: boolean;
  /**
   * Upstream names (`host:port`) left out because they did not resolve when the agent rendered
   * (see resolveServiceUpstreams); absent or empty when every upstream is an address or resolved.
   */
  unresolvedUpstreams?: string[];
}

export interface ListenSlice {
  /** As written in the config (`80`, `0.0.0.0:80`, `[::]:80`). */
  raw: string;
  family: 'ipv4' | 'ipv6';
  /** `null` = wildcard of its family. */
  address: string | null;
  port: number;
}

export interface FirewallIntent {
  /** What the WAN may open on this router, de-duplicated, sorted. */
  wanInput: FirewallOpening[];
  /** Devices on the trusted side (LANs, loopback, wg0, VXLAN links): accept. */
  trustedDevices: string[];
  wanDevices: string[];
  /** Masquerade traffic leaving through the WAN (LAN hosts reaching the internet). */
  masquerade: boolean;
  /** Clamp TCP MSS to the path MTU on WAN and tunnel egress. */
  mssClamp: boolean;
  /**
   * Roaming clients whose internet traffic leaves through this router: their addresses may be
   * forwarded from wg0 to the WAN and are masqueraded there (IPv6 too: the client pool is a ULA).
   * Absent when no client uses this router as egress.
   */
  clientEgress?: { ipv4: string[]; ipv6: string[] };
}

export interface FirewallOpening {
  /** Stable name, e.g. `dlan_wireguard`, `dlan_ssh`, `dlan_svc_web_tcp_80`. */
  name: string;
  protocol: 'tcp' | 'udp';
  port: number;
  /** `any` when both families are allowed. */
  family: 'any' | 'ipv4' | 'ipv6';
  why: string;
}

export interface SshIntent {
  authorizedKeys: string[];
  fromWan: boolean;
  passwordAuth: false;
}
