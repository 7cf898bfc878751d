// Host.files.write is the one way dlan puts state on disk (ledger, snapshots, configs). It must be
// durable and clean: node fsyncs the temp file, renames, then fsyncs the folder (checked in the
// kernel's own record of system calls, strace); QuickJS has no fsync and runs `sync` after the
// rename (checked on the QuickJS host with an os/std double that records what it is asked); and
// a write that fails on a full file system leaves the old content and no temp file (a real tmpfs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createNodeHost } from '../../agent/host/node-host.ts';
import { createQjsHost, type QjsModules } from '../../agent/host/qjs-host.ts';
import { tempDir } from '../backend-openwrt/support/openwrt-root.ts';
import { updateRunInfo } from '../../agent/gitops/run-file.ts';
import { makeReadOnly } from '../support/read-only-mount.ts';

const repo = join(import.meta.dirname, '..', '..');
const mounts: string[] = [];
after(() => {
  for (const m of mounts) spawnSync('umount', [m]);
});

test('node: the temp file is fsynced before the rename, the folder after it (strace)', () => {
  const dir = tempDir('durable');
  const trace = join(dir, 'trace');
  const script = `import { createNodeHost } from '${repo}/agent/host/node-host.ts'; await createNodeHost().files.write('${dir}/ledger.json', 'x\\n');`;
  const r = spawnSync('strace', ['-f', '-e', 'trace=openat,fsync,fdatasync,rename,renameat,renameat2', '-o', trace, process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  const fdOf = (re: RegExp) => {
    const i = lines.findIndex((l) => re.test(l));
    assert.ok(i >= 0, `no ${re} in the trace`);
    return { i, fd: /= (\d+)$/.exec(lines[i]!)![1]! };
  };
  const tmp = fdOf(new RegExp(`openat\\(.*"${dir}/\\.ledger\\.json\\.dlan-tmp-\\d+", O_WRONLY`));
  const rename = lines.findIndex((l) => /rename/.test(l) && l.includes(`${dir}/ledger.json"`));
  assert.ok(rename > tmp.i, 'renamed after writing');
  const fileSync = lines.findIndex((l, i) => i > tmp.i && new RegExp(`fsync\\(${tmp.fd}\\)`).test(l));
  assert.ok(fileSync > tmp.i && fileSync < rename, 'the file is fsynced before the rename');
  const dirOpen = lines.findIndex((l, i) => i > rename && l.includes(`"${dir}", O_RDONLY`));
  assert.ok(dirOpen > rename, 'the folder is opened after the rename');
  const dirFd = /= (\d+)$/.exec(lines[dirOpen]!)![1]!;
  assert.ok(lines.some((l, i) => i > dirOpen && new RegExp(`fsync\\(${dirFd}\\)`).test(l)), 'and fsynced');
});

/** QuickJS's std/os, played by node's fs, recording renames and programs run. */
function recordingQjs(events: string[]): QjsModules {
  const errno = (e: unknown) => -(((e as NodeJS.ErrnoException).errno ?? -5) * -1);
  const file = (fd: number) => ({
    puts: (s: string) => void fs.writeSync(fd, s),
    readAsString: () => fs.readFileSync(fd, 'utf8'),
    flush: () => {},
    error: () => false,
    close: () => (fs.closeSync(fd), 0),
  });
  const std = {
    open: (p: string, mode: string) => {
      try {
        return file(fs.openSync(p, mode));
      } catch {
        return null;
      }
    },
    fdopen: (fd: number) => file(fd),
    getenv: (n: string) => process.env[n],
    getenviron: () => ({ ...process.env }) as Record<string, string>,
    strerror: (n: number) => `errno ${n}`,
    Error: { ENOENT: 2, EEXIST: 17 },
    err: file(2),
  };
  const os = {
    ...fs.constants,
    open: (p: string, flags: number, mode?: number) => {
      try {
        return fs.openSync(p, flags, mode);
      } catch (e) {
        return errno(e);
      }
    },
    close: (fd: number) => (fs.closeSync(fd), 0),
    rename: (a: string, b: string) => (events.push(`rename ${b}`), fs.renameSync(a, b), 0),
    remove: (p: string) => {
      try {
        fs.rmSync(p);
        return 0;
      } catch (e) {
        return errno(e);
      }
    },
    mkdir: (p: string, mode?: number) => {
      try {
        fs.mkdirSync(p, mode);
        return 0;
      } catch (e) {
        return errno(e);
      }
    },
    stat: (p: string) => {
      try {
        const st = fs.statSync(p);
        return [{ mode: st.mode, size: st.size, mtime: st.mtimeMs }, 0];
      } catch {
        return [null, 2];
      }
    },
    readdir: (p: string) => [fs.readdirSync(p), 0],
    symlink: () => 0,
    readlink: () => ['', 2],
    exec: (argv: string[], o: { stdout?: number }) => {
      events.push(`exec ${argv.join(' ')}`);
      if (o.stdout !== undefined) fs.writeSync(o.stdout, '');
      return 4242;
    },
    waitpid: (pid: number) => [pid, 0],
    WNOHANG: 1,
    kill: () => 0,
    getpid: () => process.pid,
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  };
  return { std, os } as unknown as QjsModules;
}

test('QuickJS: every write runs `sync` after its rename (there is no fsync in QuickJS)', async () => {
  const dir = tempDir('durable-qjs');
  const events: string[] = [];
  const host = createQjsHost(recordingQjs(events), { log: { log: () => {} } });
  await host.files.write(`${dir}/etc/dlan/ledger.json`, '{}\n', { mode: 0o600 });
  const rename = events.indexOf(`rename ${dir}/etc/dlan/ledger.json`);
  assert.ok(rename >= 0, events.join('\n'));
  assert.deepEqual(events.slice(rename + 1), ['exec sync'], 'sync right after the rename');
  assert.equal(fs.readFileSync(`${dir}/etc/dlan/ledger.json`, 'utf8'), '{}\n');
});

test('QuickJS: the run heartbeat (a volatile write, RAM on OpenWrt) is replaced atomically but runs no `sync`', async () => {
  const dir = tempDir('volatile-qjs');
  const events: string[] = [];
  const host = createQjsHost(recordingQjs(events), { log: { log: () => {} } });
  await updateRunInfo(host, `${dir}/var/run/dlan/run.json`, { remoteCheckedAt: '2026-12-05T00:00:00Z' });
  assert.ok(events.includes(`rename ${dir}/var/run/dlan/run.json`), events.join('\n'));
  assert.ok(!events.includes('exec sync'), `no sync for run.json (a no-op cycle writes it three times):\n${events.join('\n')}`);
  assert.equal(JSON.parse(fs.readFileSync(`${dir}/var/run/dlan/run.json`, 'utf8')).remoteCheckedAt, '2026-12-05T00:00:00Z');
});

test('node: a write that does not fit (ENOSPC on a small tmpfs) keeps the old content and leaves no temp file', () => {
  const dir = tempDir('enospc');
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  assert.equal(m.status, 0, `mount tmpfs: ${m.stderr}`);
  mounts.push(dir);
  fs.writeFileSync(join(dir, 'ledger.json'), 'old\n');
  return createNodeHost()
    .files.write(join(dir, 'ledger.json'), 'x'.repeat(200 * 1024))
    .then(
      () => assert.fail('a 200 KB write fit in 64 KB'),
      (e: NodeJS.ErrnoException) => {
        assert.equal(e.code, 'ENOSPC');
        assert.equal(fs.readFileSync(join(dir, 'ledger.json'), 'utf8'), 'old\n');
        assert.deepEqual(fs.readdirSync(dir), ['ledger.json'], 'no orphan temp file');
      },
    );
});

test('node: a folder that cannot be made on a read-only mount says EROFS (node 20\'s recursive mkdir says ENOENT)', async () => {
  const dir = tempDir('ro-mkdir');
  fs.mkdirSync(join(dir, 'var'));
  makeReadOnly(dir);
  const files = createNodeHost().files;
  await assert.rejects(files.mkdirp(join(dir, 'var/run/dlan')), { code: 'EROFS', message: `EROFS: read-only file system, mkdir '${dir}/var/run'` });
  await assert.rejects(files.write(join(dir, 'var/run/dlan/run.json'), '{}\n', { volatile: true }), { code: 'EROFS' });
  await files.mkdirp(join(dir, 'var'));
  await assert.rejects(files.write(join(dir, 'var/state.json'), '{}\n'), { code: 'EROFS' });
  assert.deepEqual(fs.readdirSync(dir), ['var'], 'nothing made, no temp file');
});

test('node: freeBytes is what the file system has left (a real tmpfs with a ballast file), null for a missing path', async () => {
  const dir = tempDir('free');
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  assert.equal(m.status, 0, `mount tmpfs: ${m.stderr}`);
  mounts.push(dir);
  const files = createNodeHost().files;
  assert.equal(await files.freeBytes(dir), 64 * 1024);
  fs.writeFileSync(join(dir, 'ballast'), Buffer.alloc(40 * 1024 + 1));
  assert.equal(await files.freeBytes(dir), 20 * 1024, 'a 40 KB + 1 byte file takes 11 pages');
  assert.equal(await files.freeBytes(join(dir, 'nope')), null);
});

test('QuickJS: freeBytes reads busybox-style `df -kP` (the real df here) and agrees with statfs on a tmpfs', async () => {
  const dir = tempDir('free-qjs');
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  assert.equal(m.status, 0, `mount tmpfs: ${m.stderr}`);
  mounts.push(dir);
  fs.writeFileSync(join(dir, 'ballast'), Buffer.alloc(24 * 1024));
  const mods = recordingQjs([]);
  // This stand-in really runs the program (df), like QuickJS's os.exec.
  let status = 0;
  (mods.os as unknown as { exec: unknown }).exec = (argv: string[], o: { stdout: number }) => {
    const r = spawnSync(argv[0]!, argv.slice(1));
    fs.writeSync(o.stdout, r.stdout);
    status = (r.status ?? 1) << 8;
    return 4242;
  };
  (mods.os as unknown as { waitpid: unknown }).waitpid = (pid: number) => [pid, status];
  const host = createQjsHost(mods, { log: { log: () => {} } });
  assert.equal(await host.files.freeBytes(dir), 40 * 1024);
  assert.equal(await host.files.freeBytes(join(dir, 'nope')), null, 'df fails on a missing path');
});
