// What a change of the config repo does to every router, before it lands: each router's slice is
// rendered from the base and the proposed config (as the OpenWrt backend would write it: UCI
// options and files), compared, and the service actions that would follow are listed. Pure: the
// caller reads both configs. Secrets (keys) never appear: the private key is a placeholder and
// secret options print as `(secret)`.
import { planServiceActions } from '../backend/openwrt/plan/plan-service-actions.ts';
import { renderFiles } from '../backend/openwrt/render/render-files.ts';
import { renderUci } from '../backend/openwrt/render/render-uci.ts';
import { SECRET_OPTIONS, UCI_PACKAGES } from '../backend/openwrt/render/rendered-uci.ts';
import { unifiedDiff } from '../backend/common/unified-diff.ts';
import type { ServiceAction } from '../backend/backend.ts';
import type { Config } from '../config/config-types.ts';
import { sliceRouter } from '../slice/slice-router.ts';

export type RouterChange = 'added' | 'removed' | 'changed' | 'unchanged';

export interface RouterReview {
  router: string;
  change: RouterChange;
  /** Unified diffs of the UCI packages (`uci show` lines) and files that change. */
  diffs: { target: string; diff: string }[];
  actions: ServiceAction[];
}

const KEY_PLACEHOLDER = '(router key)';

function quote(v: string): string {
  return `'${v.replace(/'/g, "'\\''")}'`;
}

/** One router's OpenWrt rendering as `uci show`-style lines per package, plus its files. */
function renderRouterView(config: Config, router: string): { uci: Map<string, string>; files: Map<string, string> } {
  const state = sliceRouter(config, router);
  const rendered = renderUci(state, KEY_PLACEHOLDER);
  const uci = new Map<string, string>();
  for (const pkg of UCI_PACKAGES) {
    const lines: string[] = [];
    for (const s of rendered.sections[pkg]) {
      lines.push(`${pkg}.${s.name}=${s.type}`);
      for (const [opt, value] of s.options) {
        if (value === null) continue;
        const shown = SECRET_OPTIONS.has(opt) ? '(secret)' : Array.isArray(value) ? value.map(quote).join(' ') : quote(value);
        lines.push(`${pkg}.${s.name}.${opt}=${shown}`);
      }
    }
    for (const r of rendered.replace[pkg]) lines.push(`${pkg}: takes over ${r.type}${r.name ? ` '${r.name}'` : ''}`);
    uci.set(pkg, lines.length ? `${lines.join('\n')}\n` : '');
  }
  const files = new Map(renderFiles(state, { streamModuleLoadedElsewhere: false }).map((f) => [f.path, f.content]));
  return { uci, files };
}

export function reviewConfigChange(base: Config | null, head: Config): RouterReview[] {
  const names = [...new Set([...(base?.routers.map((r) => r.name) ?? []), ...head.routers.map((r) => r.name)])].sort();
  return names.map((router) => {
    const inBase = base?.routers.some((r) => r.name === router) ?? false;
    const inHead = head.routers.some((r) => r.name === router);
    const before = inBase ? renderRouterView(base!, router) : null;
    const after = inHead ? renderRouterView(head, router) : null;
    const diffs: { target: string; diff: string }[] = [];
    const packages = new Set<string>();
    const files = new Map<string, 'add' | 'change' | 'delete'>();
    for (const pkg of UCI_PACKAGES) {
      const a = before?.uci.get(pkg) ?? '';
      const b = after?.uci.get(pkg) ?? '';
      if (a !== b) {
        packages.add(pkg);
        diffs.push({ target: `uci ${pkg}`, diff: unifiedDiff(a, b, pkg) });
      }
    }
    const paths = [...new Set([...(before?.files.keys() ?? []), ...(after?.files.keys() ?? [])])].sort();
    for (const p of paths) {
      const a = before?.files.get(p) ?? null;
      const b = after?.files.get(p) ?? null;
      if (a === b) continue;
      files.set(p, a === null ? 'add' : b === null ? 'delete' : 'change');
      diffs.push({ target: p, diff: unifiedDiff(a, b, p) });
    }
    const peersChanged = diffs.some((d) => d.target === 'uci network' && /\.dlan_peer_/.test(d.diff));
    const actions = planServiceActions({ packages, peersChanged, wgInterface: 'wg0', files, odhcpd: null });
    const change: RouterChange = !inBase ? 'added' : !inHead ? 'removed' : diffs.length > 0 ? 'changed' : 'unchanged';
    return { router, change, diffs, actions };
  });
}

/** Markdown ready to post as a pull-request comment: a summary table, then each router's diffs. */
export function formatReviewMarkdown(reviews: RouterReview[], baseLabel: string): string {
  const out = [`### dlan: what this change does to each router (against \`${baseLabel}\`)`, '', '| router | change | reloads |', '|---|---|---|'];
  for (const r of reviews) {
    const reloads = [...new Set(r.actions.map((a) => `${a.service} ${a.action}`))].join(', ') || '—';
    out.push(`| ${r.router} | ${r.change} | ${reloads} |`);
  }
  for (const r of reviews.filter((x) => x.diffs.length > 0)) {
    out.push('', `#### ${r.router} (${r.change})`, '');
    for (const d of r.diffs) out.push('```diff', d.diff.trimEnd(), '```');
  }
  return `${out.join('\n')}\n`;
}
