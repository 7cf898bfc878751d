// The lab's config repo, as an admin keeps it: a working clone (paths.work) of a bare repo that
// the git daemon in dlan-inet serves to every router. It starts as a copy of examples/reference/
// with the routers' real public keys committed, and lab scenarios commit changes to it.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type Document } from 'yaml';
import { must, run } from './run.ts';
import { paths } from './topology.ts';

export const EXAMPLE_DIR = fileURLToPath(new URL('../examples/reference/', import.meta.url));
export const CONFIG_FILE = 'dlan.yaml';

function git(args: readonly string[], cwd = paths.work): string {
  return must(['git', '-C', cwd, '-c', 'user.name=Lab Admin', '-c', 'user.email=admin@lab.invalid', '-c', 'commit.gpgsign=false', ...args]);
}

export function repoExists(): boolean {
  return existsSync(join(paths.bareRepo, 'HEAD')) && existsSync(join(paths.work, '.git'));
}

/** Creates the repo from the example with the given public keys (idempotent: an existing repo is kept). */
export function createConfigRepo(publicKeys: Record<string, string>): string {
  if (repoExists()) return head();
  mkdirSync(paths.work, { recursive: true });
  cpSync(EXAMPLE_DIR, paths.work, { recursive: true });
  must(['git', 'init', '-q', '-b', 'main', paths.work]);
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'The reference network, as in the example']);
  setPublicKeys(publicKeys);
  git(['commit', '-q', '-am', 'Routers: public keys printed on each router']);
  useDefaultBfd();
  git(['commit', '-q', '-am', "Lab: BFD as dlan's default (the example keeps format v1's explicit bfd: false)"]);
  addRecordTypes();
  git(['commit', '-q', '-am', 'Lab: one DNS record of each type beyond A/AAAA']);
  must(['git', 'clone', '-q', '--bare', paths.work, paths.bareRepo]);
  git(['remote', 'add', 'origin', paths.bareRepo]);
  git(['fetch', '-q', 'origin']);
  git(['branch', '-q', '--set-upstream-to=origin/main', 'main']);
  return head();
}

function setPublicKeys(keys: Record<string, string>): void {
  const file = join(paths.work, CONFIG_FILE);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  for (const [router, key] of Object.entries(keys)) doc.setIn(['routers', router, 'public_key'], key);
  writeFileSync(file, String(doc));
}

/**
 * The example must stay the format document's network, which writes `ospf.bfd: false` (the v1
 * default); dlan's default is BFD on every link, and the lab runs what a config that does not
 * mention BFD gets. Scenarios that want it off commit `bfd: false` again.
 */
function useDefaultBfd(): void {
  const file = join(paths.work, CONFIG_FILE);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.deleteIn(['ospf', 'bfd']);
  writeFileSync(file, String(doc));
}

/** The record types the format added to A/AAAA, so the lab asks real dnsmasq instances for them. */
export const LAB_EXTRA_RECORDS = [
  { name: 'www.example.com', type: 'CNAME', target: 'service1.example.com' },
  { name: '_http._tcp.example.com', type: 'SRV', target: 'service1.example.com', port: 80 },
  { name: 'example.com', type: 'MX', target: 'service1.example.com' },
  { name: 'example.com', type: 'TXT', text: 'v=spf1 -all' },
];

function addRecordTypes(): void {
  const file = join(paths.work, CONFIG_FILE);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  for (const r of LAB_EXTRA_RECORDS) doc.addIn(['dns', 'records'], doc.createNode(r, { flow: true }));
  writeFileSync(file, String(doc));
}

/** Edits dlan.yaml (keeping comments), commits and pushes; returns the new commit id. */
export function commitConfig(message: string, edit: (doc: Document) => void): string {
  const file = join(paths.work, CONFIG_FILE);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, String(doc));
  if (run(['git', '-C', paths.work, 'diff', '--quiet']).code === 0) return head();
  git(['commit', '-q', '-am', message]);
  git(['push', '-q', 'origin', 'main']);
  return head();
}

export function head(): string {
  return git(['rev-parse', 'HEAD']).trim();
}

export function configPath(): string {
  return join(paths.work, CONFIG_FILE);
}
