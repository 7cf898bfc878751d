// Why each change is in a plan (config, drift or dns), told apart by what was rendered: the
// ledger keeps a digest of every target the last apply rendered. A target rendered the same as
// then, yet different on the router, was edited behind dlan's back (drift). One that renders the
// same as then only with the last apply's DNS answers changed because DNS moved (dns). Anything
// else is the desired state changing (config) — also when there is no record (first apply).
import type { ChangeCause, Difference, PlannedChange } from '../backend.ts';
import { fnv1a } from '../../base/fnv1a.ts';

/** Target key → digest of what was rendered for it. */
export type RenderRecord = Record<string, string>;

export function recordOf(texts: Record<string, string>): RenderRecord {
  return Object.fromEntries(Object.keys(texts).sort().map((k) => [k, fnv1a(texts[k]!)]));
}

export function causeOf(key: string, now: RenderRecord, withLastAnswers: RenderRecord | null, last: RenderRecord | undefined): ChangeCause {
  if (!last) return 'config';
  if (now[key] === last[key]) return 'drift';
  if (withLastAnswers && withLastAnswers[key] === last[key]) return 'dns';
  return 'config';
}

export function withCauses(diffs: Difference[], keyOf: (d: Difference) => string, now: RenderRecord, withLastAnswers: RenderRecord | null, last: RenderRecord | undefined): PlannedChange[] {
  return diffs.map((d) => ({ ...d, cause: causeOf(keyOf(d), now, withLastAnswers, last) }));
}

/** Restore and uninstall are the operator's decision: reported as config (`drift`: a restored config kept). */
export function byOperator(diffs: Difference[], cause: ChangeCause = 'config'): PlannedChange[] {
  return diffs.map((d) => ({ ...d, cause }));
}
