// Services exposed on one router (nginx stream) and the WAN openings they need.
import type { Config, Router } from '../config/config-types.ts';
import { parseHostPort, parseListen } from '../model/parse-host-port.ts';
import type { ServiceSlice } from './desired-state.ts';

export function sliceServices(config: Config, self: Router): ServiceSlice[] {
  return config.services
    .filter((s) => s.routers.includes(self.name))
    .map((s) => ({
      name: s.name,
      protocol: s.protocol,
      listen: s.listen.map((raw) => {
        const l = parseListen(raw)!;
        return { raw, family: l.family, address: l.address, port: l.port };
      }),
      upstreams: s.upstreams.map((u) => {
        const hp = parseHostPort(u)!;
        return { host: hp.host, port: hp.port! };
      }),
      proxyProtocol: s.proxy_protocol,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
