// Whether the kernel holds exactly the ruleset of the file: the table's comment carries a
// fingerprint of the ruleset (render-nftables.ts), so a missing table or one loaded from another
// version is seen by `plan` without comparing nft's own listing rule by rule. (Rules edited by
// hand inside the table keep the comment: they are corrected on the next ruleset change.)
import type { Host } from '../../host/host.ts';
import { NFT_TABLE } from './render-nftables.ts';

/**
 * The comment of `table inet dlan`, '' when it has none, null when the table does not exist.
 * Read from the text listing: nft 1.0.6's JSON output leaves table comments out.
 */
export async function loadedTableComment(host: Host): Promise<string | null> {
  const r = await host.exec('nft', ['list', 'table', NFT_TABLE.family, NFT_TABLE.name], { timeoutMs: 15000 });
  if (r.code !== 0) return null;
  const head = r.stdout.split(/^\s*chain /m)[0] ?? '';
  const m = /^\s*comment "([^"]*)"\s*$/m.exec(head);
  return m ? m[1]! : '';
}

/** The comment line written in a rendered ruleset. */
export function renderedTableComment(ruleset: string): string | null {
  const m = /^\tcomment "([^"]*)"$/m.exec(ruleset);
  return m ? m[1]! : null;
}
