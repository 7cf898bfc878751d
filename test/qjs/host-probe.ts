// A fixed sequence of Host calls whose transcript must be the same on every Host implementation:
// test/qjs/qjs-host.test.ts runs it with the node host in node and with the QuickJS host inside a
// real QuickJS engine (through host-probe-entry.ts), in two fresh folders, and compares.
// Everything here must run under QuickJS too: no node imports.
import type { Host } from '../../agent/host/host.ts';

export type Transcript = [string, unknown][];

/** Runs the probe in `dir` (an empty folder). Paths in the transcript are relative to `dir`. */
export async function runHostProbe(host: Host, dir: string): Promise<Transcript> {
  const t: Transcript = [];
  const rel = (s: string) => s.split(dir).join('<dir>');
  const step = async (name: string, f: () => Promise<unknown>) => {
    try {
      t.push([name, await f()]);
    } catch (e) {
      t.push([name, { threw: true }]);
      void e;
    }
  };
  const f = host.files;
  const statShape = async (p: string) => {
    const s = await f.stat(p);
    return s && { isDirectory: s.isDirectory, size: s.size, mode: s.mode.toString(8), mtimeIsRecent: Math.abs(host.now() - s.mtimeMs) < 60_000 };
  };

  await step('read missing', () => f.read(`${dir}/nope`));
  await step('stat missing', () => f.stat(`${dir}/nope`));
  await step('list missing', () => f.list(`${dir}/nope`));
  await step('remove missing', () => f.remove(`${dir}/nope`));
  await step('write nested (creates folders)', () => f.write(`${dir}/a/b/c.txt`, 'héllo\nwörld ✓\n'));
  await step('read back', () => f.read(`${dir}/a/b/c.txt`));
  await step('stat file', () => statShape(`${dir}/a/b/c.txt`));
  await step('stat folder', async () => (await f.stat(`${dir}/a/b`))?.isDirectory);
  await step('overwrite with mode 600', () => f.write(`${dir}/a/b/c.txt`, 'secret', { mode: 0o600 }));
  await step('stat after mode write', () => statShape(`${dir}/a/b/c.txt`));
  await step('write mode 755', () => f.write(`${dir}/a/run.sh`, '#!/bin/sh\necho ran "$@"\n', { mode: 0o755 }));
  await step('stat 755', () => statShape(`${dir}/a/run.sh`));
  await step('write empty', () => f.write(`${dir}/a/empty`, ''));
  await step('read empty', () => f.read(`${dir}/a/empty`));
  await step('big content round trip', async () => {
    const big = 'x'.repeat(300_000) + '\n' + 'ü'.repeat(70_000);
    await f.write(`${dir}/big`, big);
    return (await f.read(`${dir}/big`)) === big;
  });
  await step('list (sorted, no temp files left)', () => f.list(`${dir}/a`));
  await step('list root', () => f.list(dir));
  await step('mkdirp existing', () => f.mkdirp(`${dir}/a/b`));
  await step('mkdirp new with mode', async () => {
    await f.mkdirp(`${dir}/m/n/o`, 0o700);
    return statShape(`${dir}/m/n/o`);
  });
  await step('mkdirp through a file throws', () => f.mkdirp(`${dir}/a/empty/sub`));
  await step('read a folder throws', () => f.read(`${dir}/a`));
  await step('remove a folder throws', () => f.remove(`${dir}/m/n/o`));
  await step('symlink new', () => f.symlink('1:2:tok', `${dir}/lock`));
  await step('symlink over a symlink', () => f.symlink('other', `${dir}/lock`));
  await step('symlink over a folder', () => f.symlink('other', `${dir}/m`));
  await step('symlink in a missing folder throws', () => f.symlink('x', `${dir}/nope/lock`));
  await step('readlink', () => f.readlink(`${dir}/lock`));
  await step('readlink missing', () => f.readlink(`${dir}/nope`));
  await step('readlink of a folder throws', () => f.readlink(`${dir}/m`));
  await step('readlink of a file throws', () => f.readlink(`${dir}/a/b/c.txt`));
  await step('remove a symlink', async () => {
    await f.remove(`${dir}/lock`);
    return f.readlink(`${dir}/lock`);
  });
  await step('free bytes of a folder (a whole number of KB)', async () => {
    const free = await f.freeBytes(dir);
    return free !== null && free > 0 && free % 1024 === 0;
  });
  await step('free bytes of a missing path', () => f.freeBytes(`${dir}/nope`));
  await step('remove file', async () => {
    await f.remove(`${dir}/a/empty`);
    return f.stat(`${dir}/a/empty`);
  });

  const x = (program: string, args: string[], opts?: Parameters<Host['exec']>[2]) =>
    step(`exec ${rel(program)} ${JSON.stringify(args)}${opts ? ` ${JSON.stringify({ ...opts, cwd: opts.cwd && rel(opts.cwd) })}` : ''}`, async () => {
      const r = await host.exec(program, args, opts);
      return { code: r.code, stdout: rel(r.stdout), stderr: r.code === 127 ? r.stderr.length > 0 : rel(r.stderr) };
    });
  await x('echo', ['a b', "c'd", '$HOME', ';', '|', '`id`']);
  await x('cat', [], { input: 'from stdin ✓\nline 2' });
  await x('cat', []);
  await x('sh', ['-c', 'echo out; echo err >&2; exit 3']);
  await x('sh', ['-c', 'kill -TERM $$']);
  await x('sh', ['-c', 'echo "$DLAN_PROBE_VAR"'], { env: { DLAN_PROBE_VAR: 'set by the probe' } });
  await x('pwd', [], { cwd: `${dir}/a` });
  await x(`${dir}/a/run.sh`, ['x', 'y z']);
  await x('dlan-no-such-program', ['arg']);
  await x('/nonexistent/dlan-bin', []);
  await x('sh', ['-c', 'head -c 200000 /dev/zero | tr "\\0" y; echo; echo done >&2']);
  await step('exec timeout kills with 124', async () => {
    const started = host.now();
    const r = await host.exec('sleep', ['10'], { timeoutMs: 300 });
    return { code: r.code, fast: host.now() - started < 5000 };
  });
  await step('exec abortWhen kills with 124 once it answers true', async () => {
    let asked = 0;
    const r = await host.exec('sleep', ['10'], { abortWhen: async () => ++asked >= 2 });
    return { code: r.code, asked };
  });
  await step('no exec temp files left in TMPDIR', async () => {
    const tmp = host.env('TMPDIR');
    return tmp ? ((await f.list(tmp)) ?? []).filter((n) => n.includes('dlan-agent-exec')) : 'no TMPDIR';
  });

  await step('env set', async () => host.env('DLAN_PROBE_VAR'));
  await step('env unset', async () => host.env('DLAN_PROBE_UNSET_VAR'));
  await step('now is epoch ms', async () => Math.abs(host.now() - Date.now()) < 1000);
  await step('sleep waits', async () => {
    const started = Date.now();
    await host.sleep(120);
    return Date.now() - started >= 100;
  });
  return t;
}
