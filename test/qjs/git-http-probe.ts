// Git and HTTP calls whose results must be the same on every host: run by
// test/qjs/qjs-git-http.test.ts with the git client on the node host and inside a real QuickJS
// engine on the QuickJS host (git-http-probe-entry.ts), and with both HTTP clients. No node imports here.
import type { GitClient } from '../../agent/host/git-client.ts';
import type { HttpClient } from '../../agent/host/http-client.ts';

export async function runGitProbe(git: GitClient, remote: string, work: string): Promise<[string, unknown][]> {
  const t: [string, unknown][] = [];
  const step = async (name: string, f: () => Promise<unknown>) => {
    try {
      t.push([name, await f()]);
    } catch (e) {
      const err = e as { name?: string; kind?: string; message?: string };
      t.push([name, { error: err.name, kind: err.kind, redacted: !String(err.message).includes('s3cret') }]);
    }
  };
  await step('localHead before', () => git.localHead(work));
  await step('remoteHead', () => git.remoteHead(remote, 'main', { timeoutMs: 20_000 }));
  await step('fetch', () => git.fetchObjects(remote, 'main', work, { depth: 1, timeoutMs: 20_000, maxBytes: 1 << 20 }));
  await step('localHead after fetch', () => git.localHead(work));
  await step('shallow', () => git.isShallow(work));
  await step('checkout', async () => {
    const head = await git.fetchObjects(remote, 'main', work, { deepen: 1, timeoutMs: 20_000, maxBytes: 1 << 20 });
    await git.checkout(work, head, { timeoutMs: 20_000 });
    return head;
  });
  await step('shallow after deepening', () => git.isShallow(work));
  await step('localHead after', () => git.localHead(work));
  await step('isAncestor of itself', async () => git.isAncestor(work, (await git.localHead(work))!, (await git.localHead(work))!));
  await step('isAncestor of an absent commit', async () => git.isAncestor(work, 'f'.repeat(40), (await git.localHead(work))!));
  await step('fetch over the size bound', () => git.fetchObjects(remote, 'main', `${work}-3`, { depth: 1, timeoutMs: 20_000, maxBytes: 10 }));
  await step('commitInfo', async () => {
    const head = await git.localHead(work);
    return git.commitInfo(work, head!);
  });
  await step('verify unsigned', async () => (await git.verifyCommit(work, (await git.localHead(work))!, { kind: 'ssh', allowedSignersFile: '/dev/null' }, { timeoutMs: 20_000 })).verdict);
  await step('missing branch', () => git.remoteHead(remote, 'no-such-branch', { timeoutMs: 20_000 }));
  await step('fetch missing branch', () => git.fetchObjects(remote, 'no-such-branch', `${work}-2`, { depth: 1, timeoutMs: 20_000, maxBytes: 1 << 20 }));
  await step('unreachable with credentials in the URL', () => git.remoteHead('https://user:s3cret@127.0.0.1:1/x.git', 'main', { timeoutMs: 20_000 }));
  return t;
}

export async function runHttpProbe(http: HttpClient, base: string): Promise<[string, unknown][]> {
  const t: [string, unknown][] = [];
  const step = async (name: string, f: () => Promise<unknown>) => {
    try {
      t.push([name, await f()]);
    } catch {
      t.push([name, 'rejected']);
    }
  };
  await step('POST with headers and body', () =>
    http.request({ method: 'POST', url: `${base}/echo`, headers: { Authorization: 'token s3cret "x"', 'Content-Type': 'application/json' }, body: '{"state":"success","ü":"✓"}', timeoutMs: 5000 }),
  );
  await step('GET 404', () => http.request({ method: 'GET', url: `${base}/missing`, headers: { Accept: 'application/json' }, timeoutMs: 5000 }));
  await step('redirect not followed', async () => (await http.request({ method: 'GET', url: `${base}/redirect`, headers: { Accept: '*/*' }, timeoutMs: 5000 })).status);
  await step('timeout rejects', () => http.request({ method: 'GET', url: `${base}/slow`, headers: { Accept: '*/*' }, timeoutMs: 1000 }));
  await step('connection refused rejects', () => http.request({ method: 'GET', url: 'http://127.0.0.1:1/', headers: { Accept: '*/*' }, timeoutMs: 3000 }));
  return t;
}
