// Builds an .ipk (one runtime's package) and unpacks it with the standard tools (gzip, tar).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIpk, type BuiltPackage } from '../../build/package-ipk.ts';
import { readPackageSpec, type Variant } from '../../build/package-spec.ts';
import { sourceDateEpoch } from '../../build/package.ts';
import { ensureBundles, ROOT } from '../qjs/ensure-bundles.ts';

export { ROOT };

export type BuiltIpk = BuiltPackage;

export function buildPackage(opts: { mtime?: number; variant?: Variant } = {}): BuiltIpk {
  ensureBundles();
  return buildIpk(readPackageSpec(ROOT, opts.variant ?? 'dlan-agent'), opts.mtime ?? sourceDateEpoch(ROOT));
}

/** Writes the .ipk into a new temp folder and unpacks it there (outer/, data/, control/). */
export function unpack(ipk: BuiltIpk) {
  const dir = mkdtempSync(join(tmpdir(), 'dlan-ipk-'));
  const file = join(dir, ipk.fileName);
  writeFileSync(file, ipk.bytes);
  const run = (cmd: string, args: string[], cwd = dir) => execFileSync(cmd, args, { cwd, encoding: 'utf8' });
  for (const d of ['outer', 'data', 'control']) run('mkdir', ['-p', d]);
  run('tar', ['-xzf', file, '-C', 'outer']);
  run('tar', ['-xzf', join(dir, 'outer', 'data.tar.gz'), '-C', 'data']);
  run('tar', ['-xzf', join(dir, 'outer', 'control.tar.gz'), '-C', 'control']);
  return {
    dir,
    file,
    run,
    /** `tar -tvzf` lines of an archive: [{mode string, owner, path}] in archive order. */
    list(archive: string) {
      return run('tar', ['--numeric-owner', '-tvzf', archive])
        .trim()
        .split('\n')
        .map((line) => {
          const [perms, owner, , , , path] = line.split(/\s+/);
          return { perms: perms!, owner: owner!, path: path! };
        });
    },
    read: (rel: string) => readFileSync(join(dir, rel), 'utf8'),
  };
}

/** control file fields, in order; continuation lines joined with "\n". */
export function parseControl(text: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    if (line.startsWith(' ')) fields[fields.length - 1]![1] += `\n${line.slice(1)}`;
    else {
      const i = line.indexOf(': ');
      fields.push([line.slice(0, i), line.slice(i + 2)]);
    }
  }
  return fields;
}
