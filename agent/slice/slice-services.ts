// Services exposed on one router (nginx stream) and the WAN openings they need.
import type { Config, Router } from '../config/config-types.ts';
import { parseListen, parseUpstream, type Parsed } from '../config/parse-host-port.ts';
import type { ServiceSlice } from './desired-state.ts';

function valueOf<T>(r: Parsed<T>, text: string): T {
  if (!r.ok) throw new Error(`unvalidated service value ${JSON.stringify(text)}: ${r.reason}`);
  return r.value;
}

export function sliceServices(config: Config, self: Router): ServiceSlice[] {
  return config.services
    .filter((s) => s.routers.includes(self.name))
    .map((s) => ({
      name: s.name,
      protocol: s.protocol,
      // Validation has accepted every value, so the parsers cannot fail here.
      listen: s.listen.map((raw) => {
        const l = valueOf(parseListen(raw), raw);
        return { raw, family: l.family, address: l.address, port: l.port };
      }),
      upstreams: s.upstreams.map((u) => {
        const hp = valueOf(parseUpstream(u), u);
        return { host: hp.host, port: hp.port };
      }),
      proxyProtocol: s.proxy_protocol,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
