// DNS: upstream resolvers and record addresses are IP addresses; record names DNS names. Each
// record carries exactly the fields of its type; a CNAME name has no other record (RFC 1034
// §3.6.2) and exact duplicates are errors (A/AAAA duplicates stay allowed: they always merged).
// Record types and number ranges are checked here rather than by the schema: fewer inlined
// checks in the generated validator keep the QuickJS bundle small.
import { parseIpValue } from '../../base/ip-address.ts';
import { Findings, show } from '../../base/findings.ts';
import { asArr, asObj, asStr, type MeshView } from '../mesh-view.ts';

/** Per record type: the fields it needs, then those it also allows (besides `name`, `type`). */
const FIELDS: Record<string, [string[], string[]]> = {
  A: [['address'], []],
  AAAA: [['address'], []],
  CNAME: [['target'], []],
  SRV: [['target', 'port'], ['priority', 'weight']],
  TXT: [['text'], []],
  MX: [['target'], ['preference']],
};
const ALL = ['address', 'target', 'port', 'priority', 'weight', 'text', 'preference'];
const lower = (v: unknown) => String(v).toLowerCase().replace(/\.$/, '');

export function checkDns(mesh: MeshView, out: Findings): void {
  const dns = asObj(mesh.data.dns);
  if (!dns) return;
  asArr(dns.upstream).forEach((u, i) => {
    const text = asStr(u);
    if (text !== undefined && !parseIpValue(text)) out.error(['dns', 'upstream', i], `${show(text)} is not a valid IPv4 or IPv6 address`);
  });
  const others = new Set<string>();
  const cnames = new Map<string, number>();
  const seen = new Map<string, number>();
  asArr(dns.records).forEach((raw, i) => {
    const r = asObj(raw);
    if (!r) return;
    const at = (...p: (string | number)[]) => ['dns', 'records', i, ...p];
    const type = asStr(r.type) ?? 'A';
    const spec = FIELDS[type];
    if (!spec) return out.error(at('type'), `must be one of ${Object.keys(FIELDS).map((t) => `\`${t}\``).join(', ')}, not ${show(type)}`);
    const [needs, allows] = spec;
    for (const f of needs) if (r[f] === undefined) out.error(at(), `a ${type} record needs \`${f}\``);
    for (const f of ALL) {
      const v = r[f];
      if (v === undefined) continue;
      if (!needs.includes(f) && !allows.includes(f)) out.error(at(f), `\`${f}\` does not belong to a ${type} record`);
      const min = f === 'port' ? 1 : 0;
      if (typeof v === 'number' && (v < min || v > 65535)) out.error(at(f), `must be an integer between ${min} and 65535, not ${v}`);
    }
    const address = asStr(r.address);
    if (address !== undefined && needs.includes('address')) {
      // `type: A` and `type: AAAA` both mean "an address record": the address picks the family.
      if (!parseIpValue(address)) out.error(at('address'), `${show(address)} is not a valid IPv4 or IPv6 address`);
    }
    const name = asStr(r.name);
    if (name === undefined) return;
    const n = lower(name);
    if (type !== 'CNAME') others.add(n);
    else {
      const first = cnames.get(n);
      if (first === undefined) cnames.set(n, i);
      else out.error(at('name'), `${show(name)} has a second CNAME record (first at dns.records[${first}])`);
    }
    if (needs[0] === 'address') return;
    const key = JSON.stringify([type, n, ...ALL.map((f) => (f === 'target' ? lower(r[f]) : r[f]))]);
    const dup = seen.get(key);
    if (dup !== undefined) out.error(at(), `duplicate of dns.records[${dup}]`);
    else seen.set(key, i);
  });
  for (const [n, i] of cnames) {
    if (others.has(n)) out.error(['dns', 'records', i, 'name'], `${show(n)} has a CNAME record and other records`);
  }
}
