// Reads the config repo from disk through the Host: PATH is a folder holding dlan.yaml (and
// optionally routers/<name>.yaml|yml), or one YAML file. Returns the files for loadConfig, the
// main file first, router files sorted; paths are relative to the folder (or the file's folder).
// A symlink among them (PATH, dlan.yaml, routers/, a router file) is refused unread: in a CI
// checkout it could point at .git/config or /etc, and error excerpts would print that file.
import type { Host } from '../host/host.ts';
import type { Diagnostic } from '../base/diagnostic.ts';
import type { ConfigFile } from './parse-yaml-file.ts';
import { sizeProblem, YamlBudget } from './yaml-bounds.ts';

export type ReadResult = { ok: true; files: ConfigFile[] } | { ok: false; diagnostics: Diagnostic[] };

export async function readConfigFiles(host: Host, path: string): Promise<ReadResult> {
  const root = path.replace(/\/+$/, '') || '/';
  if (await isLink(host, root)) return fail(path, LINK);
  const stat = await host.files.stat(root);
  if (!stat) return fail(path, `${path} does not exist`);
  if (!stat.isDirectory) {
    const name = root.slice(root.lastIndexOf('/') + 1);
    const one = await readOne(host, root, name, new YamlBudget());
    return 'text' in one ? { ok: true, files: [one] } : { ok: false, diagnostics: [one] };
  }
  const mainPath = `${root}/dlan.yaml`;
  if (await isLink(host, mainPath)) return fail('dlan.yaml', LINK);
  if (!(await host.files.stat(mainPath))) {
    const yml = await host.files.stat(`${root}/dlan.yml`);
    return fail('dlan.yaml', `no dlan.yaml in ${path}${yml ? ' (found dlan.yml: the main file must be named dlan.yaml)' : ''}`);
  }
  const files: ConfigFile[] = [];
  const diagnostics: Diagnostic[] = [];
  // Sizes are checked before reading: a file, or all of them, over the bounds is never read.
  const budget = new YamlBudget();
  const take = (r: ConfigFile | Diagnostic) => ('text' in r ? files.push(r) : diagnostics.push(r));
  take(await readOne(host, mainPath, 'dlan.yaml', budget));
  const routersLinked = await isLink(host, `${root}/routers`);
  if (routersLinked) diagnostics.push(diag('routers', LINK));
  const routerNames = ((routersLinked ? null : await host.files.list(`${root}/routers`)) ?? [])
    .filter((n) => /\.(yaml|yml)$/.test(n) && !n.startsWith('.'))
    .sort();
  for (const name of routerNames) {
    if (budget.exceeded) break;
    const full = `${root}/routers/${name}`;
    if (await isLink(host, full)) {
      diagnostics.push(diag(`routers/${name}`, LINK));
      continue;
    }
    const s = await host.files.stat(full);
    if (!s || s.isDirectory) continue;
    take(await readOne(host, full, `routers/${name}`, budget));
  }
  return diagnostics.length ? { ok: false, diagnostics } : { ok: true, files };
}

async function readOne(host: Host, full: string, rel: string, budget: YamlBudget): Promise<ConfigFile | Diagnostic> {
  const stat = await host.files.stat(full);
  const big = stat ? sizeProblem(budget, stat.size) : null;
  if (big) return diag(rel, big);
  const text = await host.files.read(full);
  if (text === null) return diag(rel, `cannot be read (${full})`);
  // The host decodes UTF-8 with replacement characters: one of those means the bytes were not UTF-8.
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    const before = text.slice(0, bad);
    const line = before.split('\n').length;
    const column = bad - before.lastIndexOf('\n');
    return { file: rel, path: '', line, column, message: 'is not valid UTF-8 text (save the file as UTF-8)' };
  }
  return { path: rel, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

const LINK = 'is a symbolic link: the config repo may hold only plain files and folders (a link can point outside the repo, and routers check links out as plain files); put the file itself there';

/** Whether `path` itself is a symlink (dangling or not); never follows it. */
async function isLink(host: Host, path: string): Promise<boolean> {
  try {
    return (await host.files.readlink(path)) !== null;
  } catch {
    return false; // not a link (readlink refuses anything else)
  }
}

function diag(file: string, message: string): Diagnostic {
  return { file, path: '', line: 0, column: 0, message };
}

function fail(file: string, message: string): ReadResult {
  return { ok: false, diagnostics: [diag(file, message)] };
}
