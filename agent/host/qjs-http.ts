// HttpClient for QuickJS (and any Host): one request through the `curl` program via Host.exec.
// Headers (tokens) go in a curl config file of mode 0600 read with `-K`, not on the command line
// where any local user could read them in /proc; the body goes through stdin. Redirects are not
// followed (as node-http.ts). The status comes from `-w`, after a marker line.
// Without curl, `uclient-fetch` (in every OpenWrt image) serves requests that carry no headers;
// it cannot send headers, so forge status posts need curl (a dependency of the package).
import type { Host } from './host.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './http-client.ts';

const MARKER = '\n--dlan-http-status--';

/** A curl config-file string: double-quoted, with \ and " escaped, no line breaks. */
function curlQuote(s: string): string {
  if (/[\r\n]/.test(s)) throw new Error('HTTP header values cannot contain line breaks');
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

async function hasProgram(host: Host, name: string): Promise<boolean> {
  for (const dir of (host.env('PATH') ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (dir && (await host.files.stat(`${dir}/${name}`)) !== null) return true;
  }
  return false;
}

export function createExecHttp(host: Host, opts: { tmpDir?: string } = {}): HttpClient {
  let seq = 0;
  async function viaCurl(req: HttpRequest): Promise<HttpResponse> {
    const tmp = opts.tmpDir ?? host.env('TMPDIR') ?? '/tmp';
    const configFile = `${tmp}/.dlan-agent-curl.${host.now()}.${++seq}`;
    const lines = [
      `url = ${curlQuote(req.url)}`,
      `request = ${curlQuote(req.method)}`,
      ...Object.entries(req.headers ?? {}).map(([k, v]) => `header = ${curlQuote(`${k}: ${v}`)}`),
    ];
    await host.files.write(configFile, `${lines.join('\n')}\n`, { mode: 0o600 });
    try {
      const seconds = Math.max(1, Math.ceil(req.timeoutMs / 1000));
      const args = ['-q', '-sS', '--max-time', String(seconds), '-o', '-', '-w', `${MARKER}%{http_code}`, '-K', configFile];
      if (req.body !== undefined) args.push('--data-binary', '@-');
      const r = await host.exec('curl', args, { ...(req.body !== undefined ? { input: req.body } : {}), timeoutMs: req.timeoutMs + 2000 });
      const at = r.stdout.lastIndexOf(MARKER);
      const status = at >= 0 ? Number(r.stdout.slice(at + MARKER.length).trim()) : 0;
      if (r.code !== 0 || !status) throw new Error(`HTTP ${req.method} failed: ${r.code === 124 || r.code === 28 ? 'timed out' : r.stderr.trim() || `curl exited ${r.code}`}`);
      return { status, body: r.stdout.slice(0, at) };
    } finally {
      await host.files.remove(configFile);
    }
  }

  async function viaUclientFetch(req: HttpRequest): Promise<HttpResponse> {
    const seconds = Math.max(1, Math.ceil(req.timeoutMs / 1000));
    const args = ['-q', '-O', '-', `--timeout=${seconds}`];
    if (req.method === 'POST') args.push(`--post-data=${req.body ?? ''}`);
    const r = await host.exec('uclient-fetch', [...args, req.url], { timeoutMs: req.timeoutMs + 2000 });
    if (r.code === 0) return { status: 200, body: r.stdout };
    const m = /HTTP error (\d{3})/.exec(r.stderr);
    if (m) return { status: Number(m[1]), body: r.stdout };
    throw new Error(`HTTP ${req.method} failed: ${r.code === 124 ? 'timed out' : r.stderr.trim() || `uclient-fetch exited ${r.code}`}`);
  }

  return {
    async request(req) {
      if (await hasProgram(host, 'curl')) return viaCurl(req);
      if (Object.keys(req.headers ?? {}).length === 0 && (await hasProgram(host, 'uclient-fetch'))) return viaUclientFetch(req);
      throw new Error('HTTP needs curl (install the curl package) for requests with headers');
    },
  };
}
