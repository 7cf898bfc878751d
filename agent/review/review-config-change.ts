// What a change of the config repo does to every router, before it lands: each router's slice is
// rendered from the base and the proposed config by the router's own backend (`render`: UCI
// packages and files on OpenWrt, native files on Debian), compared, and the service actions that
// would follow are listed (review-actions.ts). Pure: the caller reads both configs. Secrets (keys)
// never appear: render leaves the private key a placeholder and prints secret options as `(secret)`.
import type { Backend, ServiceAction } from '../backend/backend.ts';
import { reviewActions, type TargetChange } from './review-actions.ts';
import { unifiedDiff } from '../backend/common/unified-diff.ts';
import type { Config } from '../config/config-types.ts';
import { sliceRouter } from '../slice/slice-router.ts';

export type RouterChange = 'added' | 'removed' | 'changed' | 'unchanged';

export interface RouterReview {
  router: string;
  /** Which backend rendered it (`openwrt`, `linux`). */
  backend: string;
  change: RouterChange;
  /** Unified diffs of the UCI packages (`uci show` lines) and files that change. */
  diffs: { target: string; diff: string }[];
  actions: ServiceAction[];
}

function renderView(backend: Backend, config: Config, router: string): Map<string, string> {
  return new Map(backend.render(sliceRouter(config, router)).targets.map((t) => [t.target, t.text]));
}

/** `backendOf` names each router's backend (its platform); OpenWrt when the caller does not know. */
export function reviewConfigChange(base: Config | null, head: Config, backendOf: (router: string) => Backend): RouterReview[] {
  const names = [...new Set([...(base?.routers.map((r) => r.name) ?? []), ...head.routers.map((r) => r.name)])].sort();
  return names.map((router) => {
    const backend = backendOf(router);
    const inBase = base?.routers.some((r) => r.name === router) ?? false;
    const inHead = head.routers.some((r) => r.name === router);
    const before = inBase ? renderView(backend, base!, router) : null;
    const after = inHead ? renderView(backend, head, router) : null;
    const diffs: { target: string; diff: string }[] = [];
    const changed: TargetChange[] = [];
    const targets = [...new Set([...(before?.keys() ?? []), ...(after?.keys() ?? [])])];
    // UCI packages first (as `uci <pkg>`, in the backend's order), then files by path.
    targets.sort((a, b) => Number(!a.startsWith('uci ')) - Number(!b.startsWith('uci ')) || (a.startsWith('uci ') ? 0 : a < b ? -1 : a > b ? 1 : 0));
    for (const t of targets) {
      const isUci = t.startsWith('uci ');
      const a = before?.get(t) ?? (isUci ? '' : null);
      const b = after?.get(t) ?? (isUci ? '' : null);
      if (a === b) continue;
      changed.push({ target: t, op: a === null || a === '' ? 'add' : b === null || b === '' ? 'delete' : 'change', before: a, after: b });
      diffs.push({ target: t, diff: unifiedDiff(a, b, isUci ? t.slice(4) : t) });
    }
    const actions = reviewActions(backend.name, changed);
    const change: RouterChange = !inBase ? 'added' : !inHead ? 'removed' : diffs.length > 0 ? 'changed' : 'unchanged';
    return { router, backend: backend.name, change, diffs, actions };
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
    out.push('', `#### ${r.router} (${r.change}${r.backend === 'openwrt' ? '' : `, ${r.backend}`})`, '');
    for (const d of r.diffs) out.push('```diff', d.diff.trimEnd(), '```');
  }
  return `${out.join('\n')}\n`;
}
