// Everything the OpenWrt backend writes for one router, from the desired state alone: UCI
// sections per package and the files beside them, and the same as text (`uci show` lines per
// package, file bytes) for review and for the ledger's render record. Pure.
import type { RenderInputs } from '../../backend.ts';
import { resolvePeerEndpoints, resolveServiceUpstreams } from '../../../slice/resolve-service-upstreams.ts';
import type { DesiredState } from '../../../slice/desired-state.ts';
import type { RenderedFile } from './render-files.ts';
import { renderFiles } from './render-files.ts';
import { renderUci } from './render-uci.ts';
import type { RenderedUci } from './rendered-uci.ts';
import { SECRET_OPTIONS, UCI_PACKAGES } from './rendered-uci.ts';
import { quoteUci } from '../../../base/uci-syntax.ts';

export interface OpenwrtRendering {
  uci: RenderedUci;
  files: RenderedFile[];
}

export const KEY_PLACEHOLDER = '(router key)';

export function renderOpenwrt(state: DesiredState, inputs: RenderInputs & { streamModuleLoadedElsewhere?: boolean } = {}): OpenwrtRendering {
  const a = inputs.upstreamAnswers;
  return {
    // endpoint_host is the address the plan resolved, never a name: netifd would resolve it at
    // ifup, where a name that fails aborts the whole WireGuard interface; unresolved, the peer
    // has no endpoint_host until a plan resolves it (resolvePeerEndpoints).
    uci: renderUci(a ? resolvePeerEndpoints(state, a) : state, inputs.privateKey ?? KEY_PLACEHOLDER, inputs.psks ?? {}),
    files: renderFiles(a ? resolveServiceUpstreams(state, a) : state, { streamModuleLoadedElsewhere: inputs.streamModuleLoadedElsewhere ?? false }),
  };
}

/**
 * Target → text: `uci <pkg>` as `uci show` lines (plus the stock sections taken over), each file
 * by its path. Secret options print as `(secret)`.
 */
export function openwrtTexts(r: OpenwrtRendering): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pkg of UCI_PACKAGES) {
    const lines: string[] = [];
    for (const s of r.uci.sections[pkg]) {
      lines.push(`${pkg}.${s.name}=${s.type}`);
      for (const [opt, value] of s.options) {
        if (value === null) continue;
        const shown = SECRET_OPTIONS.has(opt) ? '(secret)' : Array.isArray(value) ? value.map(quoteUci).join(' ') : quoteUci(value);
        lines.push(`${pkg}.${s.name}.${opt}=${shown}`);
      }
    }
    for (const sel of r.uci.replace[pkg]) lines.push(`${pkg}: takes over ${sel.type}${sel.name ? ` '${sel.name}'` : ''}`);
    out[`uci ${pkg}`] = lines.length ? `${lines.join('\n')}\n` : '';
  }
  for (const f of r.files) out[f.path] = f.content;
  return out;
}
