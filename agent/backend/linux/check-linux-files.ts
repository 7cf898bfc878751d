// Checks changed daemon files with the daemons' own parsers before they replace the live ones:
// `bird -p -c`, `nginx -t -c`, `nft -c -f`. A missing program (exit 127) only warns: the renderers
// already refuse unsafe values, and a --root tree may be rendered on a machine without the daemons.
import type { Host } from '../../host/host.ts';
import type { FileWrite } from './plan-linux.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import { LINUX_FILES, NGINX_FOLDERS } from './linux-paths.ts';

export class FileCheckError extends Error {
  constructor(path: string, tool: string, output: string) {
    super(`${path} was refused by ${tool}; nothing was changed:\n${output.trim()}`);
    this.name = 'FileCheckError';
  }
}

export async function checkLinuxFiles(host: Host, root: string, writes: FileWrite[]): Promise<void> {
  const scratch = underRoot(root, LINUX_FILES.scratch);
  for (const { file } of writes) {
    let argv: string[] | null = null;
    let input: string | undefined;
    const tmp = `${scratch}/${file.path.split('/').pop()}`;
    if (file.role === 'bird') argv = ['bird', '-p', '-c', tmp];
    else if (file.role === 'nginx') argv = ['nginx', '-q', '-t', '-c', tmp];
    else if (file.role === 'nftables') {
      argv = ['nft', '-c', '-f', '-'];
      input = file.content;
    }
    if (argv === null) continue;
    if (input === undefined) await host.files.write(tmp, file.content, { mode: 0o600 });
    // `nginx -t` opens its log and pid files: it creates neither folder (both below --root).
    if (file.role === 'nginx') for (const d of NGINX_FOLDERS) await host.files.mkdirp(underRoot(root, d));
    const r = await host.exec(argv[0]!, argv.slice(1), { timeoutMs: 20000, ...(input !== undefined ? { input } : {}) });
    if (input === undefined) await host.files.remove(tmp);
    if (r.code === 127) {
      host.log.log('warn', `${argv[0]} not found: ${file.path} not checked before use`);
      continue;
    }
    if (r.code === 0) continue;
    const out = `${r.stderr}${r.stdout}`;
    // nginx resolves upstream host names when it loads its config: a name served over the mesh
    // (s1.r1.lan) can not resolve before the mesh is up. That is not a syntax error; the reload is
    // retried by the next apply until it succeeds.
    if (file.role === 'nginx' && /host not found in upstream/.test(out)) {
      host.log.log('warn', 'nginx: an upstream host name does not resolve yet; the reload is retried until it does', { file: file.path });
      continue;
    }
    throw new FileCheckError(file.path, argv[0]!, out);
  }
}
