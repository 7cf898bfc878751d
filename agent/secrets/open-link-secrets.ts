// The router side of sealed link secrets: opens the preshared key of each of this router's links
// with the router's age identity, at apply time. The result lives only in memory, is handed to
// the backend's WireGuard configuration, and is never logged, printed or put into DesiredState
// (plans show `(secret changed)`). A secret that cannot be opened is an error naming the link and
// what to do, never a silent fallback to a link without a preshared key.
import type { Config } from '../config/config-types.ts';
import type { Host } from '../host/host.ts';
import type { DesiredState } from '../slice/desired-state.ts';
import { AgeOpenError, decryptAge } from './age-decrypt.ts';
import type { AgeIdentity } from './age-keys.ts';
import { encodeBase64 } from '../base/base64.ts';
import { ageIdentityPath, readRouterIdentity } from './router-identity.ts';

export class LinkSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkSecretError';
  }
}

/** One sealed secret of one of the router's links, named by the peer at the other end. */
export interface SealedLinkSecret {
  peer: string;
  sealed: string;
}

/** Peer router name → WireGuard preshared key (44 characters of base64). */
export type LinkSecrets = Record<string, string>;

/** The sealed preshared keys of `router`'s links, from the Config or from its DesiredState. */
export function sealedLinkSecrets(source: Config | DesiredState, router: string): SealedLinkSecret[] {
  if ('schema' in source) {
    if (source.router !== router) throw new LinkSecretError(`the desired state is router ${source.router}'s, not ${router}'s`);
    return source.links.flatMap((l) => (l.sealedPresharedKey ? [{ peer: l.peer, sealed: l.sealedPresharedKey }] : []));
  }
  return source.links.flatMap((l) => {
    if (!l.preshared_key || !l.routers.includes(router)) return [];
    return [{ peer: l.routers[0] === router ? l.routers[1] : l.routers[0], sealed: l.preshared_key.sealed }];
  });
}

/** Opens every sealed preshared key of `router`'s links; throws one error listing every failure. */
export function openLinkSecrets(source: Config | DesiredState, router: string, identity: AgeIdentity | null, identityWhere = 'this router'): LinkSecrets {
  const sealed = sealedLinkSecrets(source, router);
  if (sealed.length === 0) return {};
  if (identity === null) {
    throw new LinkSecretError(
      `router ${router} has ${sealed.length} sealed preshared key${sealed.length === 1 ? '' : 's'} (links to ${sealed.map((s) => s.peer).join(', ')}) but no age identity at ${identityWhere}: run \`dlan-agent init\` (it creates one), commit the printed age_recipient, and have the links sealed again with \`dlan-agent seal\``,
    );
  }
  const out: LinkSecrets = {};
  const problems: string[] = [];
  for (const s of sealed) {
    try {
      const key = decryptAge(s.sealed, [identity]);
      if (key.length !== 32) throw new AgeOpenError(`it holds ${key.length} bytes, not a 32-byte WireGuard key`);
      out[s.peer] = encodeBase64(key, true);
    } catch (e) {
      if (!(e instanceof AgeOpenError)) throw e;
      problems.push(`link ${router}–${s.peer}: ${e.message}`);
    }
  }
  if (problems.length > 0) {
    throw new LinkSecretError(
      `cannot open the sealed preshared key of ${problems.length === 1 ? 'a link' : `${problems.length} links`} with ${identityWhere} (${identity.recipient}):\n  ${problems.join('\n  ')}\nThe config must list this recipient as routers.${router}.age_recipient and the keys must be sealed to it: run \`dlan-agent seal PATH --link ${router},PEER\` and commit. Nothing was applied.`,
    );
  }
  return out;
}

/**
 * What a backend calls at apply (and plan) time: reads `<root>/etc/dlan/age.key` only when the
 * router has sealed secrets, and opens them. `{}` when it has none.
 */
export async function openRouterLinkSecrets(host: Host, root: string, state: DesiredState): Promise<LinkSecrets> {
  if (sealedLinkSecrets(state, state.router).length === 0) return {};
  const path = ageIdentityPath(root);
  return openLinkSecrets(state, state.router, await readRouterIdentity(host, path), path);
}
