// Real dnsmasq instances for DNS tests: one network namespace with only `lo`, each dnsmasq on its
// own addresses there (a router's loopbacks), dig run inside, query logs to read. close() stops
// every dnsmasq, deletes the namespace and the files.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export function sh(argv: string[]): { code: number; out: string; stdout: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20000 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}

export interface DnsmasqNetns {
  /** A directory dnsmasq can read after dropping root, for hosts files. */
  dir: string;
  /** Adds `addresses` to lo, checks `conf` with `dnsmasq --test` and starts it on `addresses[0]`. */
  start(name: string, conf: string, addresses: string[]): void;
  /** `dig @server args…`: the response status and the sorted answers of `+short`. */
  dig(server: string, args: string[]): { status: string; answers: string[] };
  /** The query log of one instance, once it holds a line matching `wanted` (bounded wait). */
  log(name: string, wanted?: RegExp): string;
  close(): void;
}

export function dnsmasqNetns(tag: string): DnsmasqNetns {
  const ns = `dlan-${tag}-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), `dlan-${tag}-`));
  chmodSync(dir, 0o755);
  const inNs = (argv: string[]) => sh(['ip', 'netns', 'exec', ns, ...argv]);
  const add = sh(['ip', 'netns', 'add', ns]);
  assert.equal(add.code, 0, add.out);
  assert.equal(inNs(['ip', 'link', 'set', 'lo', 'up']).code, 0);
  const pids: string[] = [];
  const logFile = (name: string) => join(dir, `${name}.log`);
  return {
    dir,
    start(name, conf, addresses) {
      for (const a of addresses) assert.equal(inNs(['ip', 'addr', 'add', `${a}/${a.includes(':') ? 128 : 32}`, 'dev', 'lo']).code, 0);
      const file = join(dir, `${name}.conf`);
      writeFileSync(file, conf);
      const check = sh(['dnsmasq', '--test', `--conf-file=${file}`]);
      assert.equal(check.code, 0, check.out);
      const pid = join(dir, `${name}.pid`);
      const r = inNs(['dnsmasq', `--conf-file=${file}`, `--listen-address=${addresses[0]}`, '--bind-interfaces', '--no-hosts', '--log-queries', `--log-facility=${logFile(name)}`, `--pid-file=${pid}`]);
      assert.equal(r.code, 0, r.out);
      pids.push(pid);
    },
    dig(server, args) {
      const full = inNs(['dig', '+time=2', '+tries=1', `@${server}`, ...args]);
      const status = /status: (\w+)/.exec(full.stdout)?.[1] ?? `no answer: ${full.out}`;
      const answers = inNs(['dig', '+short', '+time=2', '+tries=1', `@${server}`, ...args]).stdout.trim().split('\n').filter(Boolean).sort();
      return { status, answers };
    },
    log(name, wanted) {
      // dnsmasq writes its log file lazily.
      for (let i = 0; i < 20 && wanted && !wanted.test(readFileSync(logFile(name), 'utf8')); i++) sh(['sleep', '0.1']);
      return readFileSync(logFile(name), 'utf8');
    },
    close() {
      for (const pid of pids) {
        try {
          process.kill(Number(readFileSync(pid, 'utf8').trim()), 'SIGTERM');
        } catch {
          // not started
        }
      }
      sh(['ip', 'netns', 'del', ns]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
