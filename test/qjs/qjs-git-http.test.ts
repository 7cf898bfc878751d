// The exec-based git and HTTP clients (agent/host/exec-git.ts, qjs-http.ts), which the QuickJS
// build uses: real git on a local bare repo, curl against a loopback HTTP server (HTTP compared
// with the node client). Once on the node host, once inside a real QuickJS engine on the QuickJS
// host, with the same results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createNodeHost, createNodeLog } from '../../agent/host/node-host.ts';
import { createNodeHttp } from '../../agent/host/node-http.ts';
import { createExecGit } from '../../agent/host/exec-git.ts';
import { createExecHttp } from '../../agent/host/qjs-http.ts';
import { runGitProbe, runHttpProbe } from './git-http-probe.ts';
import { runQjsModule } from './qjs-engine.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'dlan-qjs-git-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));

function makeRemote(): string {
  const src = join(base, 'src');
  const remote = join(base, 'remote.git');
  mkdirSync(src);
  const g = (...args: string[]) => execFileSync('git', args, { cwd: src, env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.net', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.net', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z', GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z' } });
  g('init', '-q', '-b', 'main');
  writeFileSync(join(src, 'dlan.yaml'), 'version: 1\n');
  g('add', 'dlan.yaml');
  g('commit', '-q', '-m', 'first mesh: r1 ↔ r2');
  execFileSync('git', ['clone', '-q', '--bare', src, remote]);
  return remote;
}

function startServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/echo') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, type: req.headers['content-type'], body }));
      } else if (req.url === '/redirect') {
        res.writeHead(302, { location: '/echo' });
        res.end();
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 4000).unref();
      } else {
        res.writeHead(404);
        res.end('not here');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address() as { port: number };
    resolve({ server, url: `http://127.0.0.1:${addr.port}` });
  }));
}

const remote = makeRemote();

test('exec git and curl clients: same results on node and inside QuickJS (HTTP also as the node client)', async () => {
  const { server, url } = await startServer();
  try {
    const nodeHost = createNodeHost({ log: createNodeLog({ minLevel: 'error' }) });
    // HTTP is compared with the node client; git with the exec client on node (the expectations
    // below pin what it must return).
    const expected = JSON.parse(JSON.stringify({
      git: await runGitProbe(createExecGit(nodeHost), remote, join(base, 'work-exec')),
      http: await runHttpProbe(createNodeHttp(), url),
    }));
    const viaExecHttp = JSON.parse(JSON.stringify(await runHttpProbe(createExecHttp(nodeHost), url)));
    assert.deepEqual(viaExecHttp, expected.http);

    const code = (await build({
      entryPoints: [join(here, 'git-http-probe-entry.ts')],
      bundle: true, write: false, format: 'esm', platform: 'neutral', target: 'es2022',
      external: ['std', 'os'], logLevel: 'silent',
    })).outputFiles[0]!.text;
    const tmp = join(base, 'tmp');
    mkdirSync(tmp);
    const r = await runQjsModule(code, join(here, 'git-http-probe-entry.js'), {
      args: [remote, join(base, 'work-qjs'), url],
      env: { ...(process.env as Record<string, string>), TMPDIR: tmp },
    });
    assert.equal(r.uncaught, undefined, r.uncaught);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected);
    assert.deepEqual(readdirSync(tmp), [], 'the curl config file (with the token) was left behind');

    // What the transcript holds is real behaviour.
    const git = new Map(expected.git as [string, unknown][]);
    assert.equal(git.get('localHead before'), null);
    assert.match(String(git.get('remoteHead')), /^[0-9a-f]{40}$/);
    assert.equal(git.get('fetch'), git.get('remoteHead'));
    assert.equal(git.get('localHead after fetch'), null, 'fetching checks nothing out');
    assert.equal(git.get('shallow'), true, 'depth 1: git cannot know yet that the commit has no parent');
    assert.equal(git.get('shallow after deepening'), false, 'deepened past the root: the whole history is there');
    assert.equal(git.get('checkout'), git.get('remoteHead'));
    assert.equal(git.get('localHead after'), git.get('remoteHead'));
    assert.equal(git.get('isAncestor of itself'), true);
    assert.equal(git.get('isAncestor of an absent commit'), false);
    assert.deepEqual(git.get('fetch over the size bound'), { error: 'GitError', kind: 'too-large', redacted: true });
    assert.deepEqual(git.get('commitInfo'), { sha: git.get('remoteHead'), subject: 'first mesh: r1 ↔ r2', author: 'Ada <ada@example.net>', date: '2026-01-02T03:04:05+00:00' });
    assert.equal(git.get('verify unsigned'), 'N');
    assert.deepEqual(git.get('missing branch'), { error: 'GitError', kind: 'missing', redacted: true });
    assert.deepEqual(git.get('unreachable with credentials in the URL'), { error: 'GitError', kind: 'unreachable', redacted: true });
    const http = new Map(expected.http as [string, unknown][]);
    assert.deepEqual(http.get('POST with headers and body'), {
      status: 201,
      body: JSON.stringify({ method: 'POST', auth: 'token s3cret "x"', type: 'application/json', body: '{"state":"success","ü":"✓"}' }),
    });
    assert.deepEqual(http.get('GET 404'), { status: 404, body: 'not here' });
    assert.equal(http.get('redirect not followed'), 302);
    assert.equal(http.get('timeout rejects'), 'rejected');
    assert.equal(http.get('connection refused rejects'), 'rejected');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
