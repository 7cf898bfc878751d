// Parsers for the `host:port` shapes of the config: router and link endpoints, nginx-style service
// `listen` values and service upstreams. Each returns either the parsed value or a plain-words
// reason, so validation and normalisation share one reading of every string. (The model's
// agent/model/parse-host-port.ts reads already-validated values; this one explains rejections
// and is at least as strict, so everything it accepts the model can read.)
// Reasons quote the offending text through `show`: escaped, so a newline or a terminal escape
// in the config can never forge a line of validation output.
import { show } from '../base/findings.ts';
import { formatIpValue, parseIpValue } from '../base/ip-address.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface HostPort {
  /** Host name, IPv4 or IPv6 literal (without brackets). */
  host: string;
  kind: 'name' | 'ipv4' | 'ipv6';
  port: number | null;
}

export interface ListenAddress {
  family: 'ipv4' | 'ipv6';
  /** Canonical address, or `null` for the wildcard (`80`, `0.0.0.0:80`, `[::]:80`). */
  address: string | null;
  port: number;
}

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS host name (letters, digits, `-`; labels 1..63; at most 253 characters). */
export function hostNameProblem(name: string): string | null {
  if (name.length > 253) return 'a host name has at most 253 characters';
  const labels = name.split('.');
  if (!labels.every((l) => LABEL.test(l))) {
    return 'a host name is made of labels of letters, digits and `-` (1 to 63 characters, not starting or ending with `-`) separated by dots';
  }
  // A numeric last label never names a host: it is a mistyped IPv4 address.
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return 'is not a valid IPv4 address (four numbers 0..255 separated by dots)';
  return null;
}

export function parsePort(text: string): number | null {
  if (!/^[1-9][0-9]{0,4}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/** `host`, `IPv4` or `[IPv6]`, each with `:port` optional (`portRequired` for upstreams). */
export function parseHostPort(text: string, portRequired: boolean): Parsed<HostPort> {
  let hostText: string;
  let portText: string | null = null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { ok: false, reason: 'has `[` without a closing `]`' };
    hostText = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return { ok: false, reason: 'only `:port` may follow `]`' };
      portText = rest.slice(1);
    }
    const ip = parseIpValue(hostText, 'ipv6');
    if (!ip) return { ok: false, reason: `${show(hostText)} in brackets is not a valid IPv6 address` };
    hostText = formatIpValue(ip);
    if (portText === null && portRequired) return { ok: false, reason: 'needs a `:port`' };
    return withPort({ host: hostText, kind: 'ipv6', port: null }, portText);
  }
  const colons = text.split(':').length - 1;
  if (colons > 1) return { ok: false, reason: 'an IPv6 address must be written in brackets, e.g. `[2001:db8::1]:51820`' };
  if (colons === 1) {
    hostText = text.slice(0, text.indexOf(':'));
    portText = text.slice(text.indexOf(':') + 1);
  } else {
    hostText = text;
    if (portRequired) return { ok: false, reason: 'needs a `:port`, e.g. `10.2.1.10:80`' };
  }
  if (hostText === '') return { ok: false, reason: 'has no host before `:`' };
  if (/^[0-9.]+$/.test(hostText)) {
    const ip = parseIpValue(hostText, 'ipv4');
    if (!ip) return { ok: false, reason: `${show(hostText)} is not a valid IPv4 address (four numbers 0..255 separated by dots)` };
    return withPort({ host: formatIpValue(ip), kind: 'ipv4', port: null }, portText);
  }
  const problem = hostNameProblem(hostText);
  if (problem) return { ok: false, reason: `${show(hostText)}: ${problem}` };
  return withPort({ host: hostText, kind: 'name', port: null }, portText);
}

function withPort(hp: HostPort, portText: string | null): Parsed<HostPort> {
  if (portText === null) return { ok: true, value: hp };
  const port = parsePort(portText);
  if (port === null) return { ok: false, reason: `port ${show(portText)} must be an integer between 1 and 65535` };
  return { ok: true, value: { ...hp, port } };
}

/** A router or link endpoint; the port defaults to `defaultPort`. */
export function parseEndpoint(text: string, defaultPort: number): Parsed<{ host: string; port: number }> {
  const r = parseHostPort(text, false);
  if (!r.ok) return r;
  return { ok: true, value: { host: r.value.host, port: r.value.port ?? defaultPort } };
}

/** A service upstream: `host:port`. */
export function parseUpstream(text: string): Parsed<HostPort & { port: number }> {
  const r = parseHostPort(text, true);
  if (!r.ok) return r;
  return { ok: true, value: { ...r.value, port: r.value.port! } };
}

/** nginx `listen`: `P`, `A.B.C.D:P` (IPv4) or `[v6]:P` (IPv6 only). */
export function parseListen(text: string): Parsed<ListenAddress> {
  if (/^[0-9]+$/.test(text)) {
    const port = parsePort(text);
    if (port === null) return { ok: false, reason: `port ${show(text)} must be an integer between 1 and 65535` };
    return { ok: true, value: { family: 'ipv4', address: null, port } };
  }
  const r = parseHostPort(text, true);
  if (!r.ok) return r;
  if (r.value.kind === 'name') {
    return { ok: false, reason: 'must be `PORT`, `A.B.C.D:PORT` or `[IPv6]:PORT` (no host names)' };
  }
  const family = r.value.kind;
  const ip = parseIpValue(r.value.host, family)!;
  const wildcard = ip.value === 0n;
  return { ok: true, value: { family, address: wildcard ? null : formatIpValue(ip), port: r.value.port! } };
}
