// CLI entry of the uci test double, bundled to dist/uci-double.js (run as DLAN_UCI=...).
// It behaves like the `uci` binary; -c and -t work as usual. The one extension: when they are
// absent, the config dir comes from env UCI_CONFDIR (default /etc/config) and the save dir from
// env UCI_SAVEDIR (default /tmp/.uci), so a test can point a whole program at a sandbox.
import { readFileSync, writeSync } from 'node:fs';
import { utf8ToBytes } from './bytes.ts';
import { runUciBytes } from './uci.ts';

function readStdin(): string {
  try {
    return readFileSync(0).toString('latin1');
  } catch {
    return '';
  }
}

function writeAll(fd: number, bytes: string): void {
  const buf = Buffer.from(bytes, 'latin1');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') throw e;
    }
  }
}

const result = runUciBytes(process.argv.slice(2).map(utf8ToBytes), {
  confdir: utf8ToBytes(process.env.UCI_CONFDIR || '/etc/config'),
  savedir: utf8ToBytes(process.env.UCI_SAVEDIR || '/tmp/.uci'),
  stdin: readStdin,
  cwd: process.cwd(),
});
writeAll(1, result.stdout);
writeAll(2, result.stderr);
process.exitCode = result.exit;
