import { ADMIN_SUMMARIES } from './admin-summaries.ts';
import { renderMeshGraph, type GraphFormat } from '../../render/graph/render-mesh-graph.ts';
import { formatDiagnostic } from '../../base/diagnostic.ts';
import type { Command } from '../cli-context.ts';
import { loadConfigAt } from '../../load/load-config-at.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

export const graphCommand: Command = {
  name: 'graph',
  summary: ADMIN_SUMMARIES.graph,
  usage: `Usage: dlan-agent graph PATH [--format mermaid|dot]

Draws the mesh of the config at PATH: routers, links labelled with their cost (arrows point
from the router that dials to the router it dials; both ways when both can), and the services
with the routers they listen on. Mermaid (the default) renders inside markdown on Gitea,
GitHub and GitLab; DOT is for graphviz (dot -Tsvg).`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { config: { type: 'string' }, format: { type: 'string' } });
    const path = stringFlag(args, 'config') ?? args.positionals[0];
    if (path === undefined) throw new UsageError('graph needs a config PATH');
    const format = stringFlag(args, 'format') ?? 'mermaid';
    if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`--format must be mermaid or dot, not ${format}`);
    const loaded = await loadConfigAt(ctx.host, path);
    if (!loaded.ok) {
      for (const d of loaded.diagnostics) ctx.stderr(`${formatDiagnostic(d)}\n`);
      return 1;
    }
    ctx.stdout(renderMeshGraph(loaded.config, format as GraphFormat));
    return 0;
  },
};
