// The hold a manual `dlan-agent rollback` puts on the commit it undid, kept in a small file of
// its own (/etc/dlan/hold.json) besides state.json: a damaged state.json is set aside and the
// state starts empty, and the hold must survive that, or the next sync applies the very commit
// the admin just rolled back. Ends when a commit is applied (the branch moved, or
// `sync --retry-failed`).
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
