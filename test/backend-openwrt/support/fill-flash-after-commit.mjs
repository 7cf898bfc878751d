// DLAN_UCI_HOOK for the full-flash test: once uci has committed one package, the flash fills up
// (a ballast leaves no free page on the file system of $DLAN_TEST_FILL), so the next commit fails
// with ENOSPC half way through the apply. Once only ($DLAN_TEST_MARKER).
import { existsSync, statfsSync, writeFileSync } from 'node:fs';

export async function before(args) {
  const marker = process.env.DLAN_TEST_MARKER;
  if (args.includes('commit') && !existsSync(marker)) writeFileSync(marker, 'committed');
  else if (args.includes('export') && existsSync(marker) && !existsSync(`${marker}.filled`)) {
    writeFileSync(`${marker}.filled`, '');
    const s = statfsSync(process.env.DLAN_TEST_FILL);
    writeFileSync(`${process.env.DLAN_TEST_FILL}/ballast`, Buffer.alloc(s.bavail * s.bsize));
  }
}
