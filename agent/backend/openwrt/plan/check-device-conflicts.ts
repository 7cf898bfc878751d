// Two netifd interfaces on one device fight over it. After the takeover list has removed the stock
// lan/wan/wan6 and br-lan, any other section still using a device dlan manages is a conflict the
// user has to resolve: dlan-agent refuses rather than guess which one should win.
import type { DesiredState } from '../../../slice/desired-state.ts';
import type { UciPackage, UciValue } from '../uci/uci-model.ts';
import { getOption, sectionRef } from '../uci/uci-model.ts';
import { OwnershipConflictError } from './plan-uci-package.ts';

function values(v: UciValue | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : v.split(/\s+/);
}

export function checkDeviceConflicts(state: DesiredState, network: UciPackage, owned: Set<string>): void {
  const managed = new Set([...state.wan.map((w) => w.device), ...state.lan.map((l) => l.device)]);
  const problems: string[] = [];
  network.sections.forEach((s, i) => {
    if (s.name !== null && owned.has(s.name)) return;
    const uses =
      s.type === 'interface'
        ? [...values(getOption(s, 'device')), ...values(getOption(s, 'ifname'))]
        : s.type === 'device'
          ? values(getOption(s, 'ports'))
          : [];
    const hit = uses.filter((d) => managed.has(d));
    if (hit.length) problems.push(`network.${sectionRef(network, i)} (${s.type}) uses ${hit.join(', ')}`);
  });
  if (problems.length) {
    throw new OwnershipConflictError(
      `devices dlan-agent manages are used by sections it does not own: ${problems.join('; ')}. Remove them or move them to another device, then apply again`,
    );
  }
}
