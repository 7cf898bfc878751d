import { renderBirdConf } from '../../render/bird/render-bird-conf.ts';
import { renderNginxStatusServer, renderNginxStreamConf } from '../../render/nginx/render-nginx-stream.ts';
import { sliceRouter, UnknownRouterError } from '../../slice/slice-router.ts';
import { formatDiagnostic } from '../../base/diagnostic.ts';
import type { Command } from '../cli-context.ts';
import { formatSliceSummary } from '../format-slice-summary.ts';
import { loadConfigAt } from '../../load/load-config-at.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

export const renderCommand: Command = {
  name: 'render',
  summary: "compute one router's desired state (and its daemon files) without touching anything",
  usage: `Usage: dlan-agent render PATH --router NAME [--json] [--out DIR]
       dlan-agent render --config PATH --router NAME [--json] [--out DIR]

Prints the desired state of router NAME as computed from the config at PATH.

  --json      print the desired state as JSON (stable, deterministic)
  --out DIR   also write the rendered files: desired-state.json, bird.conf,
              nginx-stream.conf (and nginx-status.conf when monitoring is on)`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { config: { type: 'string' }, router: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' } });
    const path = stringFlag(args, 'config') ?? args.positionals[0];
    const router = stringFlag(args, 'router');
    if (path === undefined) throw new UsageError('render needs a config PATH');
    if (router === undefined) throw new UsageError('render needs --router NAME');
    const loaded = await loadConfigAt(ctx.host, path);
    if (!loaded.ok) {
      for (const d of loaded.diagnostics) ctx.stderr(`${formatDiagnostic(d)}\n`);
      return 1;
    }
    let state;
    try {
      state = sliceRouter(loaded.config, router);
    } catch (e) {
      if (e instanceof UnknownRouterError) {
        ctx.stderr(`dlan-agent: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    const json = `${JSON.stringify(state, null, 2)}\n`;
    const outDir = stringFlag(args, 'out');
    if (outDir !== undefined) {
      const files: [string, string][] = [
        ['desired-state.json', json],
        ['bird.conf', renderBirdConf(state)],
        ['nginx-stream.conf', renderNginxStreamConf(state)],
      ];
      const status = renderNginxStatusServer(state);
      if (status !== null) files.push(['nginx-status.conf', status]);
      for (const [name, content] of files) await ctx.host.files.write(`${outDir}/${name}`, content);
    }
    ctx.stdout(args.flags.json ? json : formatSliceSummary(state));
    return 0;
  },
};
