// Addresses every router gets from the mesh pools, by router id.
import type { Config } from '../config/config-types.ts';
import { nthUsable, parsePrefix } from '../base/address-arithmetic.ts';

export interface RouterAddresses {
  loopbackIpv4: string;
  loopbackIpv6: string;
  tunnelIpv4: string;
  tunnelIpv6: string;
  /** Prefix lengths of the tunnel pools, for the wg0 addresses. */
  tunnelPrefixIpv4: number;
  tunnelPrefixIpv6: number;
}

export function routerAddresses(config: Config, id: number): RouterAddresses {
  const a = config.addressing;
  const t4 = parsePrefix(a.tunnel_ipv4);
  const t6 = parsePrefix(a.tunnel_ipv6);
  return {
    loopbackIpv4: nthUsable(parsePrefix(a.loopback_ipv4), id),
    loopbackIpv6: nthUsable(parsePrefix(a.loopback_ipv6), id),
    tunnelIpv4: nthUsable(t4, id),
    tunnelIpv6: nthUsable(t6, id),
    tunnelPrefixIpv4: t4.prefix,
    tunnelPrefixIpv6: t6.prefix,
  };
}
