// A drawing of the whole mesh for pull requests and docs: routers, links with their cost (arrows
// point from the router that dials to the one it dials; both ways when both can), and the
// services each router exposes, and the roaming VPN clients (an arrow to the home router they dial,
// a dotted one to the router their internet traffic leaves through). Mermaid renders in Gitea/GitHub/GitLab markdown; DOT for graphviz.
import type { Config } from '../../config/config-types.ts';
import { dialEndpoint } from '../../model/link-endpoint.ts';
import { clientAddresses } from '../../slice/client-addresses.ts';
import { safeName } from '../../base/safe-token.ts';

export type GraphFormat = 'mermaid' | 'dot';

interface Edge {
  from: string;
  to: string;
  both: boolean;
  label: string;
}

function meshEdges(config: Config): Edge[] {
  return config.links.map((link) => {
    const [a, b] = link.routers;
    const aDials = dialEndpoint(config, link, b) !== null;
    const bDials = dialEndpoint(config, link, a) !== null;
    const label = `cost ${link.cost}${link.bfd ? ', bfd' : ''}`;
    return aDials || !bDials ? { from: a, to: b, both: aDials && bDials, label } : { from: b, to: a, both: false, label };
  });
}

function routerLabel(config: Config, name: string): string[] {
  const r = config.routers.find((x) => x.name === name)!;
  const lines = [`${r.name} (id ${r.id})`];
  if (r.endpoint) lines.push(r.endpoint.host);
  for (const lan of r.lan) lines.push(lan.ipv4);
  return lines;
}

function clientLabel(config: Config, c: Config['clients'][number]): string[] {
  return [`${c.name} (client ${c.id})`, clientAddresses(config, c.id).ipv4];
}

function renderMermaid(config: Config): string {
  const out = ['flowchart LR'];
  for (const r of config.routers) out.push(`  ${safeName(r.name)}["${routerLabel(config, r.name).join('<br/>')}"]`);
  for (const e of meshEdges(config)) out.push(`  ${safeName(e.from)} ${e.both ? '<-->' : '-->'}|"${e.label}"| ${safeName(e.to)}`);
  for (const s of config.services) {
    const id = `svc_${safeName(s.name).replace(/-/g, '_')}`;
    out.push(`  ${id}(["${s.name}: ${s.protocol} ${s.listen.join(' ')}"])`);
    for (const r of s.routers) out.push(`  ${id} -.- ${safeName(r)}`);
  }
  for (const c of config.clients) {
    const id = `client_${safeName(c.name).replace(/-/g, '_')}`;
    out.push(`  ${id}[/"${clientLabel(config, c).join('<br/>')}"/]`);
    out.push(`  ${id} -->|"home"| ${safeName(c.home)}`);
    if (c.egress && c.egress !== c.home) out.push(`  ${id} -.->|"internet"| ${safeName(c.egress)}`);
  }
  return `${out.join('\n')}\n`;
}

function renderDot(config: Config): string {
  const out = ['digraph dlan {', '  rankdir=LR;', '  node [shape=box];'];
  for (const r of config.routers) out.push(`  "${safeName(r.name)}" [label="${routerLabel(config, r.name).join('\\n')}"];`);
  for (const e of meshEdges(config)) {
    out.push(`  "${safeName(e.from)}" -> "${safeName(e.to)}" [label="${e.label}"${e.both ? ', dir=both' : ''}];`);
  }
  for (const s of config.services) {
    const id = `svc:${safeName(s.name)}`;
    out.push(`  "${id}" [shape=ellipse, label="${s.name}\\n${s.protocol} ${s.listen.join(' ')}"];`);
    for (const r of s.routers) out.push(`  "${id}" -> "${safeName(r)}" [style=dashed, arrowhead=none];`);
  }
  for (const c of config.clients) {
    const id = `client:${safeName(c.name)}`;
    out.push(`  "${id}" [shape=parallelogram, label="${clientLabel(config, c).join('\\n')}"];`);
    out.push(`  "${id}" -> "${safeName(c.home)}" [label="home"];`);
    if (c.egress && c.egress !== c.home) out.push(`  "${id}" -> "${safeName(c.egress)}" [label="internet", style=dotted];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

export function renderMeshGraph(config: Config, format: GraphFormat): string {
  return format === 'mermaid' ? renderMermaid(config) : renderDot(config);
}
