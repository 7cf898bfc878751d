// Every semantic rule of the format (what a JSON Schema cannot express), in one pass over the
// merged document. Rules run even when the schema found errors, so one run reports everything;
// they read the document defensively (see mesh-view.ts).
import { Findings } from '../base/findings.ts';
import { buildMeshView } from './mesh-view.ts';
import { checkAddressing } from './rules/check-addressing.ts';
import { checkRouters } from './rules/check-routers.ts';
import { checkInterfaces } from './rules/check-interfaces.ts';
import { checkDhcp } from './rules/check-dhcp.ts';
import { checkLeases } from './rules/check-leases.ts';
import { checkLinks } from './rules/check-links.ts';
import { checkServices } from './rules/check-services.ts';
import { checkDns } from './rules/check-dns.ts';
import { checkAdmin } from './rules/check-admin.ts';
import { checkOspf } from './rules/check-ospf.ts';
import { checkSealedSecrets } from './rules/check-sealed-secrets.ts';
import { checkClients } from './rules/check-clients.ts';

const RULES = [checkAddressing, checkRouters, checkInterfaces, checkDhcp, checkLeases, checkLinks, checkServices, checkDns, checkAdmin, checkOspf, checkSealedSecrets, checkClients];

export function runSemanticRules(data: unknown, out: Findings): void {
  const mesh = buildMeshView(data);
  for (const rule of RULES) rule(mesh, out);
}
