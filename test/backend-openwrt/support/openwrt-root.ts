// Test support for the OpenWrt backend: a throw-away router root made from the stock OpenWrt
// fixture, the reference config with test keys, the uci test double as DLAN_UCI (through a
// wrapper that logs every invocation), and the CLI run in-process with captured output.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../../../agent/cli/run-cli.ts';
import { createNodeHost } from '../../../agent/host/node-host.ts';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const stockDir = join(repoRoot, '..', 'shared', 'openwrt-stock');
export const uciDouble = join(repoRoot, 'dist', 'uci-double.js');
const wrapper = join(import.meta.dirname, 'uci-logging-wrapper.mjs');

/** Test-only WireGuard keys (generated for these tests, used nowhere else). */
export const TEST_KEYS: Record<string, { privateKey: string; publicKey: string }> = {
  r1: { privateKey: 'qBhqSCLDdLiG35kj/6wbYQHPlUc6qoeMUosiaVRRFXY=', publicKey: 'xYqVD91ARwlPXbEjOAu2ticDcXjQiv4QKNcbIGNUxSM=' },
  r2: { privateKey: 'GLP+mPE6ciy+oXIzfUvK7qNQr3EBu7IEB784cHQBuFc=', publicKey: 'GUzBMwavTUVGlezAVb3LfDR3VhXPEzWF0X30X2XGg2U=' },
  r3: { privateKey: 'CI9huUA7w10UhhmbHLcNjtfHxoDIKjpPu7Cvc7A+gGY=', publicKey: 't9tBBLSnpPuGW0BjlVFyVOE4Oam6Dca3QCaCVT9hSH4=' },
  r4: { privateKey: 'OHfWsLVWQB7sf/3XfcjHDL0soKSOtM4ZmUlh6s20Llc=', publicKey: 'uievmQqISWGuOt8kkYk+hXzrOmfJo0gHqn7N/vtX8Do=' },
  r5: { privateKey: 'QCYayarCo2ONT9rZ28waPxNwRTZU6l56y3GgqGoL3Ww=', publicKey: 'nqc/pCVD/Xzhqs5aCFDYOIg00PpfYeC91wdBhkErMF0=' },
};

/** The public keys written in examples/reference/dlan.yaml. */
const REFERENCE_PUBLIC_KEYS: Record<string, string> = {
  r1: 'r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=',
  r2: 'O0eQM2jqBhNqXjWRdQ0/EWBgHHEMAklQN5L4W/CvFGw=',
  r3: 'SoUBbhw6FP5Ch8wPc3iFw5x91womDg5L5cKa/o7hlyQ=',
  r4: 'hjKiaHSVkwAvE7Ik3SH7q+S3ttBNw5nCL7/xixdfjiw=',
  r5: '9wkvg7jYZC718GngI+/1M8kfmJhQYaJGFEFzld8Szlo=',
};

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dlan-${prefix}-`));
}

/** A router root holding the stock OpenWrt configuration (and /etc/openwrt_release). */
export function makeStockRoot(): string {
  const root = tempDir('owrt-root');
  mkdirSync(join(root, 'etc', 'config'), { recursive: true });
  cpSync(join(stockDir, 'etc', 'config'), join(root, 'etc', 'config'), { recursive: true });
  writeFileSync(join(root, 'etc', 'openwrt_release'), "DISTRIB_ID='OpenWrt'\n");
  return root;
}

/** Puts the router's test key where keygen/apply look for it. */
export function seedKey(root: string, router: string): void {
  mkdirSync(join(root, 'etc', 'dlan'), { recursive: true, mode: 0o700 });
  writeFileSync(join(root, 'etc', 'dlan', 'wireguard.key'), `${TEST_KEYS[router]!.privateKey}\n`, { mode: 0o600 });
}

/** The reference config with the test public keys; `edit` may change the YAML text further. */
export function referenceConfig(edit: (yaml: string) => string = (y) => y): string {
  let yaml = readFileSync(join(repoRoot, 'examples', 'reference', 'dlan.yaml'), 'utf8');
  for (const [r, pub] of Object.entries(REFERENCE_PUBLIC_KEYS)) {
    if (!yaml.includes(pub)) throw new Error(`reference config no longer has ${r}'s public key`);
    yaml = yaml.replace(pub, TEST_KEYS[r]!.publicKey);
  }
  const dir = tempDir('config');
  writeFileSync(join(dir, 'dlan.yaml'), edit(yaml));
  return dir;
}

/** Makes the CLI use the uci double directly (one process per uci call). */
export function useUciDoubleDirectly(): void {
  if (!existsSync(uciDouble)) throw new Error(`${uciDouble} is missing: run \`npm run build\` first`);
  process.env.DLAN_UCI = `${process.execPath} ${uciDouble}`;
}

/** Makes the CLI use the uci double through the logging wrapper (and hooks); returns the log file. */
export function useUciDouble(logFile = join(tempDir('ucilog'), 'uci.log')): string {
  if (!existsSync(uciDouble)) throw new Error(`${uciDouble} is missing: run \`npm run build\` first`);
  process.env.DLAN_UCI = `${process.execPath} ${wrapper}`;
  process.env.DLAN_UCI_LOG = logFile;
  process.env.DLAN_UCI_TARGET = uciDouble;
  writeFileSync(logFile, '');
  return logFile;
}

/** The uci commands (first non-option argument) run since the log was last cleared. */
export function uciLog(logFile: string): string[][] {
  const text = readFileSync(logFile, 'utf8');
  return text
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as string[]);
}

export function uciVerbs(logFile: string): string[] {
  return uciLog(logFile).map((args) => {
    const rest = [...args];
    while (rest.length && rest[0]!.startsWith('-')) rest.splice(0, rest[0] === '-c' || rest[0] === '-t' ? 2 : 1);
    return rest[0] ?? '';
  });
}

export interface AgentRun {
  code: number;
  stdout: string;
  stderr: string;
  logs: string[];
}

export async function runAgent(argv: string[]): Promise<AgentRun> {
  let stdout = '';
  let stderr = '';
  const logs: string[] = [];
  const host = createNodeHost({ log: { log: (level, message, fields) => logs.push(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`) } });
  const code = await runCli(argv, { host, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, version: 'test' });
  return { code, stdout, stderr, logs };
}

/** Every regular file below `dir` with its content and mtime, keyed by relative path. */
export function treeState(dir: string, skip: (rel: string) => boolean = () => false): Map<string, { content: string; mtimeMs: number; mode: number }> {
  const out = new Map<string, { content: string; mtimeMs: number; mode: number }>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (skip(rel)) continue;
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(rel, { content: readFileSync(p, 'utf8'), mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 });
    }
  };
  walk(dir);
  return out;
}

/** Runs the uci double directly (for tests that read what uci sees). */
export function uci(root: string, args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [uciDouble, '-c', join(root, 'etc', 'config'), '-t', join(root, 'tmp', 'test-uci'), ...args], { input: input ?? '', encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
