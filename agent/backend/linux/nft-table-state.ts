// Whether the kernel holds exactly the ruleset of the file: the table's comment carries a
// fingerprint of the ruleset (render-nftables.ts), so a missing table, a table flushed or loaded
// from another version is seen by `plan` without parsing nft's own listing.
import type { Host } from '../../host/host.ts';
import { NFT_TABLE } from './render-nftables.ts';

/** The comment of `table inet dlan`, '' when it has none, null when the table does not exist. */
export async function loadedTableComment(host: Host): Promise<string | null> {
  const r = await host.exec('nft', ['-j', 'list', 'table', NFT_TABLE.family, NFT_TABLE.name], { timeoutMs: 15000 });
  if (r.code !== 0) return null;
  try {
    const doc = JSON.parse(r.stdout) as { nftables?: { table?: { name?: string; comment?: string } }[] };
    const t = doc.nftables?.find((x) => x.table?.name === NFT_TABLE.name)?.table;
    return t ? (t.comment ?? '') : null;
  } catch {
    return null;
  }
}

/** The comment line written in a rendered ruleset. */
export function renderedTableComment(ruleset: string): string | null {
  const m = /^\tcomment "([^"]*)"$/m.exec(ruleset);
  return m ? m[1]! : null;
}
