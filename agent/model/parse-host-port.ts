// Parsers for the `host:port` shapes of the config (endpoints, upstreams, nginx listen). They are
// total: they return null on a malformed value (validation turns that into a message) and never throw.
import { addressFamily, canonicalAddress, type Family } from './address-arithmetic.ts';

export interface HostPort {
  /** Host name or canonical IP literal (IPv6 without brackets). */
  host: string;
  port: number | null;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

export function parsePort(text: string): number | null {
  if (!/^[0-9]{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

/** `host`, `IPv4`, `[IPv6]`, each with an optional `:port`. A bare IPv6 literal is rejected. */
export function parseHostPort(text: string): HostPort | null {
  let host: string;
  let portText: string | null = null;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracket) {
    if (addressFamily(bracket[1]!) !== 'ipv6') return null;
    host = canonicalAddress(bracket[1]!);
    portText = bracket[2] ?? null;
  } else {
    const parts = text.split(':');
    if (parts.length > 2) return null;
    host = parts[0]!;
    portText = parts.length === 2 ? parts[1]! : null;
    if (addressFamily(host) === 'ipv4') host = canonicalAddress(host);
    else if (!HOSTNAME.test(host) || /^[0-9.]+$/.test(host)) return null;
  }
  if (portText === null) return { host, port: null };
  const port = parsePort(portText);
  return port === null ? null : { host, port };
}

export interface ListenAddress {
  family: Family;
  /** `null` = every address of the family. */
  address: string | null;
  port: number;
}

/** nginx `listen` as the format allows: `P`, `A.B.C.D:P` (IPv4), `[::]:P` or `[v6]:P` (IPv6 only). */
export function parseListen(text: string): ListenAddress | null {
  const bare = parsePort(text);
  if (bare !== null) return { family: 'ipv4', address: null, port: bare };
  const hp = parseHostPort(text);
  if (!hp || hp.port === null) return null;
  const family = addressFamily(hp.host);
  if (family === null) return null;
  const wildcard = hp.host === '0.0.0.0' || hp.host === '::';
  return { family, address: wildcard ? null : hp.host, port: hp.port };
}
