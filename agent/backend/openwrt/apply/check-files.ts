// Daemon-side checks of rendered files before they replace the live ones: `bird -p -c` parses
// bird.conf, `nginx -t` loads the stream block inside a minimal main config. A check is skipped
// (with a log line saying so) only when the program does not exist on this host.
import type { Host } from '../../../host/host.ts';
import type { RenderedFile } from '../render/render-files.ts';
import { NGINX_STREAM_MODULE } from '../render/render-files.ts';

export class FileCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileCheckError';
  }
}

/** Copies made only to be checked: never forced to flash, removed once checked (a full flash keeps no copy). */
const SCRATCH = { volatile: true };

async function checkBird(host: Host, file: string): Promise<void> {
  const r = await host.exec('bird', ['-p', '-c', file]);
  if (r.code === 127) {
    host.log.log('warn', 'bird is not installed here: bird.conf not checked', { file });
    return;
  }
  if (r.code !== 0) throw new FileCheckError(`bird rejects the rendered bird.conf: ${(r.stderr || r.stdout).trim()}`);
}

async function nginxTest(host: Host, dir: string, stream: string | null, http: string | null): Promise<{ code: number; output: string }> {
  const wrapper = [
    `pid ${dir}/nginx-check.pid;`,
    'error_log stderr;',
    ...(stream !== null && !/^\s*load_module\s/m.test(stream) ? [`load_module ${NGINX_STREAM_MODULE};`] : []),
    ...(stream !== null ? [`include ${dir}/stream.module;`] : []),
    'events {}',
    ...(http !== null ? [`http { include ${dir}/status.conf; }`] : []),
    '',
  ].join('\n');
  try {
    if (stream !== null) await host.files.write(`${dir}/stream.module`, stream, SCRATCH);
    if (http !== null) await host.files.write(`${dir}/status.conf`, http, SCRATCH);
    await host.files.write(`${dir}/nginx-check.conf`, wrapper, SCRATCH);
    const r = await host.exec('nginx', ['-t', '-q', '-e', 'stderr', '-c', `${dir}/nginx-check.conf`]);
    return { code: r.code, output: (r.stderr || r.stdout).trim() };
  } finally {
    for (const f of ['nginx-check.conf', 'nginx-check.pid', 'stream.module', 'status.conf']) await host.files.remove(`${dir}/${f}`);
  }
}

/**
 * nginx only ever gets addresses (the agent resolves upstream names itself, see
 * resolve-service-upstreams.ts), so a name nginx cannot resolve is a rendering fault: refused.
 */
async function checkNginx(host: Host, dir: string, stream: string | null, http: string | null): Promise<void> {
  const r = await nginxTest(host, dir, stream, http);
  if (r.code === 127) host.log.log('warn', 'nginx is not installed here: the nginx configuration was not checked');
  else if (r.code !== 0) throw new FileCheckError(`nginx rejects the rendered configuration: ${r.output}`);
}

/** Checks every rendered file that has a check; `workDir` is a private scratch folder. */
export async function checkRenderedFiles(host: Host, files: RenderedFile[], workDir: string): Promise<void> {
  await host.files.mkdirp(workDir, 0o700);
  const bird = files.find((f) => f.check === 'bird');
  if (bird) {
    try {
      await host.files.write(`${workDir}/bird.conf`, bird.content, SCRATCH);
      await checkBird(host, `${workDir}/bird.conf`);
    } finally {
      await host.files.remove(`${workDir}/bird.conf`);
    }
  }
  const stream = files.find((f) => f.check === 'nginx-stream')?.content ?? null;
  const http = files.find((f) => f.check === 'nginx-http')?.content ?? null;
  if (stream !== null || http !== null) await checkNginx(host, workDir, stream, http);
}
