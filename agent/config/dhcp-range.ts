// The dynamic DHCPv4 range of a LAN once defaults are applied: start 100, limit 150, clipped to
// the subnet; in a subnet smaller than a /24, the upper half of its usable addresses. Shared by
// validation (does an explicit range fit?) and normalisation (the range the router serves).
import { DEFAULTS } from './config-types.ts';

export interface DhcpRange {
  start: number;
  limit: number;
}

export type DhcpRangeResult =
  | { ok: true; range: DhcpRange }
  | { ok: false; key: 'start' | 'limit'; message: string };

/**
 * `usable` is the number of usable host parts of the subnet (254 in a /24): host 1 is the
 * router, so a range may use 2..usable.
 */
export function dhcpRange(usable: number, start: number | undefined, limit: number | undefined): DhcpRangeResult {
  const small = usable < 254;
  const defaultLimit = small ? Math.floor(usable / 2) : DEFAULTS.dhcp.limit;
  const defaultStart = small ? usable - defaultLimit + 1 : DEFAULTS.dhcp.start;
  const s = start ?? defaultStart;
  if (start !== undefined && (start < 2 || start > usable)) {
    return { ok: false, key: 'start', message: `DHCP start ${start} does not fit the subnet: it must be between 2 and ${usable} (host 1 is the router); the subnet is` };
  }
  if (limit === undefined) return { ok: true, range: { start: s, limit: Math.max(1, Math.min(defaultLimit, usable - s + 1)) } };
  const last = s + limit - 1;
  if (last > usable) {
    return {
      ok: false,
      key: 'limit',
      message: `the DHCP range ${s}..${last} (start ${s}${start === undefined ? ', the default' : ''}, limit ${limit}) does not fit the subnet: it runs past the last usable host part ${usable} of`,
    };
  }
  return { ok: true, range: { start: s, limit } };
}
