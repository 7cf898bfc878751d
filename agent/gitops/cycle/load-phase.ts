// load: read, validate and slice the checked-out commit into this router's desired state.
import { loadConfigAt } from '../../load/load-config-at.ts';
import { sliceRouter, UnknownRouterError } from '../../slice/slice-router.ts';
import type { DesiredState } from '../../slice/desired-state.ts';
import { formatDiagnostic } from '../../base/diagnostic.ts';
import { errorText, timed, type Cycle } from './cycle-context.ts';

/** `hostError`: the commit is fine, this router is not in it (a settings matter): not held. */
export type Loaded = { ok: true; desired: DesiredState } | { ok: false; phase: 'load' | 'slice'; reason: string; hostError?: boolean };

function relativeDiagnostics(text: string, repoDir: string): string {
  return text.split(`${repoDir}/`).join('');
}

/** The config folder of the settings' `path` inside the clone. */
function configTarget(repoDir: string, p: string): string {
  return p === 'dlan.yaml' || p.endsWith('/dlan.yaml') ? `${repoDir}/${p.slice(0, -'dlan.yaml'.length)}`.replace(/\/+$/, '') : `${repoDir}/${p}`;
}

export async function loadDesired(c: Cycle): Promise<Loaded> {
  const { env } = c;
  const loaded = await timed(c, 'load', () => loadConfigAt(env.host, configTarget(env.paths.repoDir, env.settings.path)));
  if (!loaded.ok) {
    const shown = loaded.diagnostics.slice(0, 5).map((d) => relativeDiagnostics(formatDiagnostic(d), env.paths.repoDir));
    const more = loaded.diagnostics.length > 5 ? ` (and ${loaded.diagnostics.length - 5} more)` : '';
    return { ok: false, phase: 'load', reason: `invalid config: ${shown.join('; ')}${more}` };
  }
  try {
    return { ok: true, desired: await timed(c, 'slice', async () => sliceRouter(loaded.config, env.settings.router)) };
  } catch (e) {
    return { ok: false, phase: 'slice', reason: errorText(e), hostError: e instanceof UnknownRouterError };
  }
}
