// The hold a manual `dlan-agent rollback` puts on the commit it undid, kept in a small file of
// its own (/etc/dlan/hold.json) besides state.json: a damaged state.json is set aside and the
// state starts empty, and the hold must survive that, or the next sync applies the very commit
// the admin just rolled back. Ends when a commit is applied (the branch moved, or
// `sync --retry-failed`); until then the drift check keeps the config the rollback restored
// (cycle/drift-phase.ts), not the held commit's.
import type { Host } from '../../host/host.ts';
import { pushBounded, type AgentState } from '../agent-state.ts';

export interface ManualHold {
  sha: string;
  at: string;
  reason: string;
}

export async function readHold(host: Host, path: string): Promise<ManualHold | null> {
  const text = await host.files.read(path).catch(() => null);
  if (text === null) return null;
  try {
    const h = JSON.parse(text) as ManualHold;
    return typeof h.sha === 'string' && /^[0-9a-f]{40,64}$/.test(h.sha) ? h : null;
  } catch {
    return null;
  }
}

export async function writeHold(host: Host, path: string, hold: ManualHold): Promise<void> {
  await host.files.write(path, `${JSON.stringify(hold)}\n`, { mode: 0o644 });
}

/** The state with the hold among its failed commits (pure). */
export function withHold(state: AgentState, hold: ManualHold | null): AgentState {
  if (!hold || state.failedCommits.some((f) => f.sha === hold.sha)) return state;
  return { ...state, failedCommits: pushBounded(state.failedCommits, { sha: hold.sha, at: hold.at, phase: 'rollback', reason: hold.reason }) };
}

/**
 * The snapshot a manual rollback restored when it holds the applied commit `sha` (`null`: held,
 * but which one is unknown); `undefined` when `sha` is not held. A commit is held while applied
 * only that way: `rollback` by hand, or the confirm checks failing on `sync --retry-failed` of it
 * (whose rollback restored the same config again). The newest rollback of it says which.
 */
export function keptSnapshot(state: Readonly<AgentState>, sha: string): string | null | undefined {
  if (!state.failedCommits.some((f) => f.sha === sha)) return undefined;
  return state.rollbacks.find((r) => r.sha === sha)?.snapshot ?? null;
}
