// Who dials whom on a link: a router dials its peer when it knows where to reach it — an endpoint
// given on the link for that peer, else the peer's own public endpoint. Both may dial.
import type { Config, Endpoint, Link } from '../config/config-types.ts';

/** The endpoint `from` dials to reach `to` over `link`, or `null` when `from` only answers. */
export function dialEndpoint(config: Config, link: Link, to: string): Endpoint | null {
  return link.endpoints[to] ?? config.routers.find((r) => r.name === to)?.endpoint ?? null;
}
