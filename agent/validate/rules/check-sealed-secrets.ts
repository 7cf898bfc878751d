// Sealed link secrets and the age recipients they are sealed to: a recipient is a valid `age1…`
// (checksum included: a typo would seal to nobody), each router has its own, a link's
// `preshared_key` is sealed for exactly its two routers at their current recipients, and is a
// well-formed age file holding one 32-byte key. A stale seal (a router got a new identity) is an
// error here, in review, rather than a router that refuses to apply later.
import { parseRecipient } from '../../secrets/age-keys.ts';
import { sealedSecretProblem } from '../../secrets/inspect-sealed.ts';
import { Findings, show } from '../../base/findings.ts';
import { asObj, asArr, asStr, linkEnds, pairLabel, type MeshView } from '../mesh-view.ts';

export function checkSealedSecrets(mesh: MeshView, out: Findings): void {
  const recipientOf = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const r of mesh.routers) {
    const rec = asStr(r.body.age_recipient);
    if (rec === undefined) continue;
    const at = [...r.path, 'age_recipient'];
    if (/^age1/.test(rec) && rec.length === 62 && parseRecipient(rec) === null) {
      out.error(at, `${show(rec)} is not a valid age recipient: its checksum does not match (copy it again from the output of \`dlan-agent init\`)`);
      continue;
    }
    const other = owner.get(rec);
    if (other !== undefined) out.error(at, `duplicate age_recipient: the same as router \`${other}\` (every router has its own identity; run \`dlan-agent init\` on each)`);
    else owner.set(rec, r.name);
    recipientOf.set(r.name, rec);
  }
  asArr(mesh.data.links).forEach((link, i) => {
    const { names, obj, path } = linkEnds(link, i);
    const [a, b] = names.map(asStr);
    if (a === undefined || b === undefined || a === b || !mesh.routerByName.has(a) || !mesh.routerByName.has(b)) return;
    const psk = asObj(obj?.preshared_key);
    if (psk === undefined) {
      if (obj?.preshared_key === undefined && recipientOf.has(a) && recipientOf.has(b)) {
        out.warn(path, `link ${pairLabel(a, b)} has no preshared key: run \`dlan-agent seal\` to seal one for both routers (a post-quantum hedge for recorded traffic)`);
      }
      return;
    }
    const at = [...path, 'preshared_key'];
    const recipients = asObj(psk.recipients) ?? {};
    for (const [name, value] of Object.entries(recipients)) {
      const rat = [...at, 'recipients', name];
      if (name !== a && name !== b) {
        out.error(rat, `\`${name}\` is not one of this link's routers (${a}, ${b}): the preshared key is sealed for the link's two routers only`, true);
        continue;
      }
      const current = recipientOf.get(name);
      if (current === undefined) {
        out.error(rat, `router \`${name}\` has no age_recipient: run \`dlan-agent init\` on ${name}, commit its age_recipient, then \`dlan-agent seal\``);
      } else if (asStr(value) !== undefined && value !== current) {
        out.error(rat, `sealed for an old age_recipient of \`${name}\` (it is now ${show(current)}): run \`dlan-agent seal PATH --link ${a},${b}\` to seal a new preshared key`);
      }
    }
    const sealed = asStr(psk.sealed);
    if (sealed !== undefined) {
      const problem = sealedSecretProblem(sealed, Object.keys(recipients).length || 2);
      if (problem) out.error([...at, 'sealed'], `the sealed preshared key ${problem}`);
    }
  });
}
