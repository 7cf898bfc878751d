// The router's resolver, played by a `getent` put first on PATH that answers `getent ahosts NAME`
// from a table the test changes (exit 2, "not found", for a name it does not hold). Every
// program the backends run inherits PATH, also through nsenter and `ip netns exec`. The real
// lookups are tested in test/backend-linux against a real dnsmasq.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fakeResolver(): { setAnswer: (name: string, address: string | null) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-resolver-'));
  const table = join(dir, 'table');
  writeFileSync(table, '');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'getent'),
    `#!/bin/sh\n[ "$1" = ahosts ] || exit 1\nname="$3"\nfound=1\nwhile read -r n a; do [ "$n" = "$name" ] && { echo "$a STREAM $name"; found=0; }; done < '${table}'\nexit $((found * 2))\n`,
  );
  chmodSync(join(bin, 'getent'), 0o755);
  process.env.PATH = `${bin}:${process.env.PATH}`;
  const answers = new Map<string, string>();
  return {
    setAnswer(name, address) {
      if (address === null) answers.delete(name);
      else answers.set(name, address);
      writeFileSync(table, [...answers].map(([n, a]) => `${n} ${a}\n`).join(''));
    },
  };
}
