// OSPF timers and MTUs: the dead interval must exceed the hello interval (else adjacencies
// flap), BFD must detect a dead link before OSPF's dead interval does (else it only costs packets:
// a warning), and a VXLAN MTU that does not fit inside the WireGuard MTU only fragments (a warning).
import { DEFAULTS } from '../../config/config-types.ts';
import { Findings } from '../../base/findings.ts';
import { asInt, asObj, type MeshView } from '../mesh-view.ts';

export function checkOspf(mesh: MeshView, out: Findings): void {
  const ospf = asObj(mesh.data.ospf) ?? {};
  const hello = asInt(ospf.hello);
  const dead = asInt(ospf.dead);
  const h = hello ?? DEFAULTS.ospf.hello;
  const d = dead ?? DEFAULTS.ospf.dead;
  if (d <= h && h >= 1 && d >= 1) {
    if (dead !== undefined) out.error(['ospf', 'dead'], `the dead interval (${d} s) must be greater than the hello interval (${h} s${hello === undefined ? ', the default' : ''})`);
    else out.error(['ospf', 'hello'], `the hello interval (${h} s) must be less than the dead interval (${d} s, the default): set \`ospf.dead\` too`);
  }
  const interval = asInt(ospf.bfd_interval);
  const multiplier = asInt(ospf.bfd_multiplier);
  const slowBfd = (path: (string | number)[], i: number | undefined, m: number | undefined, meshI: number, meshM: number) => {
    if (i === undefined && m === undefined) return;
    const detectMs = (i ?? meshI) * (m ?? meshM);
    if (detectMs >= d * 1000 && d >= 1) {
      out.warn([...path, i !== undefined ? 'bfd_interval' : 'bfd_multiplier'],
        `BFD detects a dead link after ${detectMs} ms (bfd_interval × bfd_multiplier), not before the OSPF dead interval (${d} s): BFD would add nothing; shorten it`);
    }
  };
  const meshInterval = interval ?? DEFAULTS.ospf.bfd_interval;
  const meshMultiplier = multiplier ?? DEFAULTS.ospf.bfd_multiplier;
  slowBfd(['ospf'], interval, multiplier, DEFAULTS.ospf.bfd_interval, DEFAULTS.ospf.bfd_multiplier);
  // A link's own timers (either one; the other comes from `ospf`).
  const links = Array.isArray(mesh.data.links) ? (mesh.data.links as unknown[]) : [];
  links.forEach((l, i) => {
    const link = asObj(l);
    if (link) slowBfd(['links', i], asInt(link.bfd_interval), asInt(link.bfd_multiplier), meshInterval, meshMultiplier);
  });
  const vx = asObj(mesh.data.vxlan);
  if (mesh.vxlanMtu + 50 > mesh.wireguardMtu) {
    const path = asInt(vx?.mtu) !== undefined ? ['vxlan', 'mtu'] : ['wireguard', 'mtu'];
    out.warn(path, `the VXLAN MTU ${mesh.vxlanMtu} plus 50 bytes of VXLAN overhead exceeds the WireGuard MTU ${mesh.wireguardMtu}: packets will be fragmented`);
  }
}
