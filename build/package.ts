// `npm run package`: the OpenWrt packages of dlan-agent, one per runtime and package format,
// without the OpenWrt SDK or apk-tools, reproducibly (same input → same bytes):
//   dist/dlan-agent-<ver>-r<rel>.apk        QuickJS, apk-tools v3 (OpenWrt 25.12 and later)
//   dist/dlan-agent-node-<ver>-r<rel>.apk   node
//   dist/dlan-agent_<ver>-<rel>_all.ipk      QuickJS, opkg (OpenWrt 24.10 and older)
//   dist/dlan-agent-node_<ver>-<rel>_all.ipk node
// Every file's time is SOURCE_DATE_EPOCH, else the last commit's time, else 0.
// `--no-build` packages dist/ as it is instead of building the bundles first. `--sign KEY` signs
// the .apk files with the PEM private key in file KEY (EC prime256v1 or RSA; apk then trusts them
// with the public key in the router's /etc/apk/keys/, see docs/openwrt.md).
import { execFileSync } from 'node:child_process';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApk } from './apk/apk-package.ts';
import { buildIpk, type BuiltPackage } from './package-ipk.ts';
import { readPackageSpec, VARIANTS } from './package-spec.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function sourceDateEpoch(dir: string): number {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || 0;
  } catch {
    return 0;
  }
}

/** All four packages from the bundles in `rootDir`/dist. */
export function buildPackages(rootDir = ROOT, mtime = sourceDateEpoch(rootDir), signKey?: KeyObject): BuiltPackage[] {
  return VARIANTS.flatMap((v) => {
    const spec = readPackageSpec(rootDir, v);
    return [buildApk(spec, mtime, signKey), buildIpk(spec, mtime)];
  });
}

function signKeyFrom(argv: string[]): KeyObject | undefined {
  const i = argv.findIndex((a) => a === '--sign' || a.startsWith('--sign='));
  if (i < 0) return undefined;
  const file = argv[i]!.startsWith('--sign=') ? argv[i]!.slice('--sign='.length) : argv[i + 1];
  if (!file) throw new Error('--sign needs the file of a PEM private key');
  try {
    return createPrivateKey(readFileSync(file));
  } catch (e) {
    throw new Error(`--sign ${file}: not a readable PEM private key (${e instanceof Error ? e.message : String(e)})`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const signKey = signKeyFrom(process.argv.slice(2));
    if (!process.argv.includes('--no-build')) {
      execFileSync(process.execPath, [join(ROOT, 'build', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    }
    for (const p of buildPackages(ROOT, sourceDateEpoch(ROOT), signKey)) {
      writeFileSync(join(ROOT, 'dist', p.fileName), p.bytes);
      console.log(`dist/${p.fileName}: ${(p.bytes.length / 1024).toFixed(1)} KB`);
    }
  } catch (e) {
    console.error(`npm run package: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
