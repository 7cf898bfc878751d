// The desired state of the last applied commit, kept in `/etc/dlan/applied-state.json`, so the
// cheap path (nothing new on the branch) can check for drift without loading and validating the
// config again, and so drift is still corrected while the remote is down or the branch holds a
// refused commit. Bound to the agent version: a newer agent recomputes it from the repo.
import type { Host } from '../../host/host.ts';
import type { DesiredState } from '../../slice/desired-state.ts';

interface CacheFile {
  agentVersion: string;
  sha: string;
  state: DesiredState;
}

export async function readAppliedState(host: Host, path: string, sha: string, version: string): Promise<DesiredState | null> {
  const text = await host.files.read(path);
  if (text === null) return null;
  try {
    const c = JSON.parse(text) as CacheFile;
    if (c.agentVersion !== version || c.sha !== sha || typeof c.state !== 'object' || c.state === null || c.state.schema !== 1) return null;
    return c.state;
  } catch {
    return null;
  }
}

export async function writeAppliedState(host: Host, path: string, sha: string, version: string, state: DesiredState): Promise<void> {
  const text = `${JSON.stringify({ agentVersion: version, sha, state } satisfies CacheFile)}\n`;
  if ((await host.files.read(path)) !== text) await host.files.write(path, text, { mode: 0o600 });
}
