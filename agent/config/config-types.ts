// The config repo as written by admins (format v1, see schema/dlan.schema.json), and the same
// document once every default has been applied (`Config`). Everything after validation works on
// `Config` only, so no later stage has to know a default.

/** The shape of `dlan.yaml` (merged with `routers/*.yaml`) exactly as written; every key optional
 * where the format allows it. Produced by the loader, checked by the schema. */
export interface RawConfig {
  version: 1;
  domain?: string;
  addressing?: Partial<Addressing>;
  wireguard?: Partial<WireguardSettings>;
  vxlan?: Partial<VxlanSettings>;
  ospf?: Partial<OspfSettings>;
  dns?: { upstream?: string[]; records?: DnsRecord[] };
  admin?: { ssh_keys?: string[]; ssh_from_wan?: boolean };
  routers?: Record<string, RawRouter>;
  links?: RawLink[];
  /** Roaming VPN clients by name (see RawClient). */
  clients?: Record<string, RawClient>;
  services?: RawService[];
  monitoring?: { nginx_status_port?: number };
}

export interface RawRouter {
  id: number;
  public_key: string;
  /** age X25519 recipient (`age1…`) that link secrets are sealed to (see agent/secrets/). */
  age_recipient?: string;
  endpoint?: string;
  wan: WanConfig[];
  lan?: RawLan[];
}

export interface WanConfig {
  device: string;
  ipv4?: string; // CIDR, e.g. 203.0.113.4/24; absent = DHCPv4
  gateway_ipv4?: string;
  ipv6?: string; // CIDR; absent = DHCPv6 (no prefix delegation)
  gateway_ipv6?: string;
  mac?: string;
}

export interface RawLan {
  device: string;
  ipv4: string; // network CIDR, e.g. 10.2.0.0/24
  ipv6?: string; // ULA /64
  mac?: string;
  dhcp?: Partial<DhcpSettings> | false;
  leases?: Lease[];
}

export interface DhcpSettings {
  start: number;
  limit: number;
  lease_time: string;
}

export type Lease =
  | { mac: string; host: number; name: string }
  | { duid: string; host: number; name: string };

/** A roaming VPN client (laptop, phone): a WireGuard peer of its home router. */
export interface RawClient {
  id: number;
  public_key: string;
  /** The router the client dials; it advertises the client's addresses in OSPF. */
  home: string;
  /** The router the client's internet traffic leaves through (masqueraded). */
  egress?: string;
}

/** A link is either `[a, b]` or the long form with options. */
export type RawLink = [string, string] | RawLinkObject;

export interface RawLinkObject {
  routers: [string, string];
  cost?: number;
  endpoints?: Record<string, string>;
  mtu?: number;
  bfd?: boolean;
  bfd_interval?: number;
  bfd_multiplier?: number;
  /** The link's WireGuard preshared key, sealed for its two routers (`dlan-agent seal`). */
  preshared_key?: SealedSecret;
}

/** A secret sealed with age for named routers: never plaintext in the repo. */
export interface SealedSecret {
  /** Router name → the age recipient the secret was sealed to. */
  recipients: Record<string, string>;
  /** ASCII-armored age v1 file. */
  sealed: string;
}

export interface RawService {
  name: string;
  protocol?: 'tcp' | 'udp';
  routers: string[];
  listen: string[];
  upstreams: string[];
  proxy_protocol?: boolean;
}

export type DnsRecordType = 'A' | 'AAAA' | 'CNAME' | 'SRV' | 'TXT' | 'MX';

/** A static record; without `type` an A/AAAA record (`address`), as in the first format. */
export interface DnsRecord {
  name: string;
  type?: DnsRecordType;
  /** A/AAAA. */
  address?: string;
  /** CNAME, SRV, MX. */
  target?: string;
  /** SRV. */
  port?: number;
  priority?: number;
  weight?: number;
  /** TXT: printable ASCII without `"` and `\\`. */
  text?: string;
  /** MX. */
  preference?: number;
}

export interface Addressing {
  loopback_ipv4: string;
  loopback_ipv6: string;
  tunnel_ipv4: string;
  tunnel_ipv6: string;
  transit_ipv4: string;
  /** Roaming client pools: client id N gets the N-th usable address. */
  client_ipv4: string;
  client_ipv6: string;
  max_routers: number;
}

export interface WireguardSettings {
  port: number;
  keepalive: number;
  mtu: number;
}

export interface VxlanSettings {
  port: number;
  mtu: number;
}

export interface OspfSettings {
  cost: number;
  hello: number;
  dead: number;
  /** BFD on every link unless a link says otherwise (default on: format v1 said off, see README). */
  bfd: boolean;
  /** BFD transmit/receive interval in milliseconds. */
  bfd_interval: number;
  /** BFD packets missed in a row before a link is declared down. */
  bfd_multiplier: number;
}

// ---- after defaults ----

export interface Config {
  version: 1;
  domain: string;
  addressing: Addressing;
  wireguard: WireguardSettings;
  vxlan: VxlanSettings;
  ospf: OspfSettings;
  dns: { upstream: string[]; records: DnsRecord[] };
  /** `null` when `admin.ssh_keys` is absent: dlan-agent then leaves SSH settings alone. */
  admin: { ssh_keys: string[] | null; ssh_from_wan: boolean };
  /** Sorted by router name. */
  routers: Router[];
  links: Link[];
  /** Roaming VPN clients, sorted by name. */
  clients: Client[];
  services: Service[];
  monitoring: { nginx_status_port: number | null };
}

export interface Client {
  name: string;
  id: number;
  public_key: string;
  home: string;
  /** `null`: the client's internet traffic does not go through the mesh. */
  egress: string | null;
}

export interface Router {
  name: string;
  id: number;
  public_key: string;
  /** Absent when the config gives none (no secret can be sealed for this router). */
  age_recipient?: string;
  endpoint: Endpoint | null;
  wan: WanConfig[];
  lan: Lan[];
}

export interface Endpoint {
  /** Host name, IPv4 or IPv6 literal (without brackets). */
  host: string;
  port: number;
}

export interface Lan {
  device: string;
  ipv4: string;
  ipv6: string | null;
  mac: string | null;
  /** `null` when DHCP is switched off for this LAN. */
  dhcp: DhcpSettings | null;
  leases: Lease[];
}

export interface Link {
  /** The two routers, ordered by id (lower id first). */
  routers: [string, string];
  cost: number;
  /** Explicit per-link endpoints, by router name. */
  endpoints: Record<string, Endpoint>;
  mtu: number;
  bfd: boolean;
  /** The link's own BFD timers; absent when it uses `ospf.bfd_interval` / `ospf.bfd_multiplier`. */
  bfd_timers?: { interval: number; multiplier: number };
  /** Absent when the link has no sealed preshared key. */
  preshared_key?: SealedSecret;
}

export interface Service {
  name: string;
  protocol: 'tcp' | 'udp';
  routers: string[];
  listen: string[];
  upstreams: string[];
  proxy_protocol: boolean;
}

export const DEFAULTS = {
  domain: 'lan',
  addressing: {
    loopback_ipv4: '10.1.1.0/24',
    loopback_ipv6: 'fd00:0:1:1::/64',
    tunnel_ipv4: '10.1.0.0/24',
    tunnel_ipv6: 'fd00:0:1::/64',
    transit_ipv4: '10.0.0.0/16',
    client_ipv4: '10.1.2.0/24',
    client_ipv6: 'fd00:0:1:2::/64',
    max_routers: 256,
  },
  wireguard: { port: 51820, keepalive: 25, mtu: 1420 },
  vxlan: { port: 4789, mtu: 1370 },
  ospf: { cost: 10, hello: 1, dead: 4, bfd: true, bfd_interval: 80, bfd_multiplier: 5 },
  dhcp: { start: 100, limit: 150, lease_time: '12h' },
} as const;
