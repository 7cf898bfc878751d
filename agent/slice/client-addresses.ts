// Addresses of a roaming VPN client, by client id: the N-th usable address of each client pool
// (stable when other clients are removed, like router ids).
import type { Config } from '../config/config-types.ts';
import { nthUsable, parsePrefix } from '../base/address-arithmetic.ts';

export function clientAddresses(config: Config, id: number): { ipv4: string; ipv6: string } {
  return {
    ipv4: nthUsable(parsePrefix(config.addressing.client_ipv4), id),
    ipv6: nthUsable(parsePrefix(config.addressing.client_ipv6), id),
  };
}
