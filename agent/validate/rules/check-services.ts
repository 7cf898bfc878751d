// Exposed services: unique names, existing routers, `proxy_protocol` only with tcp, valid
// listen/upstream values, and no two listens that would bind the same socket on one router
// (same protocol, family and port, overlapping addresses; a wildcard overlaps its whole family).
// A listen may not take the WireGuard or VXLAN UDP port, nor the nginx status port.
import { parseListen, parseUpstream, type ListenAddress } from '../../config/parse-host-port.ts';
import { Findings, show } from '../../base/findings.ts';
import { asArr, asBool, asInt, asObj, asStr, type MeshView } from '../mesh-view.ts';
import { formatPath, type Path } from '../../base/diagnostic.ts';
import { suggest } from './check-links.ts';

interface Bound {
  router: string;
  protocol: string;
  listen: ListenAddress;
  where: string;
  service: string;
}

export function checkServices(mesh: MeshView, out: Findings): void {
  const names = new Map<string, string>();
  const bound: Bound[] = [];
  const ports: { port: number; where: string; service: string }[] = [];
  asArr(mesh.data.services).forEach((s, i) => {
    const svc = asObj(s);
    if (!svc) return;
    const path: Path = ['services', i];
    const name = asStr(svc.name) ?? `#${i}`;
    if (asStr(svc.name) !== undefined) {
      const other = names.get(name);
      if (other !== undefined) out.error([...path, 'name'], `duplicate service name \`${name}\`: already used by ${other}`);
      else names.set(name, formatPath(path));
    }
    const protocol = asStr(svc.protocol) ?? 'tcp';
    if (asBool(svc.proxy_protocol) === true && protocol === 'udp') {
      out.error([...path, 'proxy_protocol'], 'the PROXY protocol works with tcp only: this service is udp (remove `proxy_protocol` or use tcp)');
    }
    const routers: string[] = [];
    asArr(svc.routers).forEach((r, k) => {
      if (typeof r !== 'string') return;
      if (!mesh.routerByName.has(r)) out.error([...path, 'routers', k], `unknown router \`${r}\`${suggest(r, [...mesh.routerByName.keys()])}`);
      else routers.push(r);
    });
    asArr(svc.upstreams).forEach((u, k) => {
      if (typeof u !== 'string') return;
      const parsed = parseUpstream(u);
      if (!parsed.ok) {
        out.error([...path, 'upstreams', k], `${show(u)} is not a valid upstream: ${parsed.reason}`);
        return;
      }
      const zoneRouter = meshZoneRouter(parsed.value.host, mesh.domain);
      if (zoneRouter !== null && !mesh.routerByName.has(zoneRouter)) {
        out.warn([...path, 'upstreams', k], `\`${parsed.value.host}\` is in the zone of router \`${zoneRouter}\`, which does not exist: it will not resolve`);
      }
    });
    asArr(svc.listen).forEach((l, k) => {
      if (typeof l !== 'string') return;
      const at: Path = [...path, 'listen', k];
      const where = formatPath(at);
      const parsed = parseListen(l);
      if (!parsed.ok) {
        out.error(at, `${show(l)} is not a valid listen address: ${parsed.reason}`);
        return;
      }
      const listen = parsed.value;
      ports.push({ port: listen.port, where, service: name });
      if (protocol === 'udp' && listen.port === mesh.wireguardPort) {
        out.error(at, `udp port ${listen.port} is WireGuard's port (\`wireguard.port\`): choose another port`);
      } else if (protocol === 'udp' && listen.port === mesh.vxlanPort) {
        out.error(at, `udp port ${listen.port} is the VXLAN port (\`vxlan.port\`): choose another port`);
      }
      const clash = bound.find((b) => routers.includes(b.router) && b.protocol === protocol && overlaps(b.listen, listen));
      if (clash) {
        out.error(at, `${show(l)} (${protocol}) conflicts on router \`${clash.router}\` with \`${clash.where}\` of service \`${clash.service}\`: the same ${protocol} port ${listen.port} on overlapping ${listen.family === 'ipv4' ? 'IPv4' : 'IPv6'} addresses`);
      }
      for (const router of routers) bound.push({ router, protocol, listen, where, service: name });
    });
  });
  const statusPort = asInt(asObj(mesh.data.monitoring)?.nginx_status_port);
  if (statusPort !== undefined) {
    const clash = ports.find((p) => p.port === statusPort);
    if (clash) {
      out.error(['monitoring', 'nginx_status_port'], `nginx status port ${statusPort} clashes with a listen port of service \`${clash.service}\` (\`${clash.where}\`): choose another status port`);
    }
  }
}

function overlaps(a: ListenAddress, b: ListenAddress): boolean {
  return a.family === b.family && a.port === b.port && (a.address === null || b.address === null || a.address === b.address);
}

/** `s1.r1.lan` with domain `lan` → `r1`; `null` when the name is outside the mesh domain. */
function meshZoneRouter(host: string, domain: string): string | null {
  const suffix = `.${domain}`;
  if (!host.toLowerCase().endsWith(suffix.toLowerCase())) return null;
  const labels = host.slice(0, -suffix.length).split('.');
  return labels[labels.length - 1]!.toLowerCase();
}
