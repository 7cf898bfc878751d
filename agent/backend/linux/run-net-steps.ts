// Runs the interface steps of a plan, in order, stopping at the first failure. Commands never go
// through a shell with config values in it and never carry a key on their command line (wg reads
// the private key from its file and preshared keys from stdin).
import type { Host } from '../../host/host.ts';
import { CommandFailedError, sysctlPath } from './current-net-state.ts';
import type { NetCommand, NetStep } from './plan-interfaces.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import { LINUX_RUNTIME } from './linux-paths.ts';

async function must(host: Host, argv: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<void> {
  const r = await host.exec(argv[0]!, argv.slice(1), { timeoutMs: 20000, ...opts });
  if (r.code !== 0) throw new CommandFailedError(argv, r.code, r.stderr);
}

// Starts the program in its own session with stdio on /dev/null and the log file, and returns at
// once: `setsid -f` forks, the shell replaces its stdio before exec, so no process keeps the
// caller's pipes open (a pipe held by the daemon made exec wait for its timeout). The script is a
// constant; program, interface and log are its positional arguments, never spliced into it.
const DETACH_SCRIPT = 'exec "$0" -f "$1" </dev/null >>"$2" 2>&1';

/**
 * Kernel WireGuard when the kernel has it; otherwise wireguard-go (userspace, over /dev/net/tun)
 * in foreground mode (`-f`), detached. Its control socket appears in /var/run/wireguard/<name>.sock,
 * where `wg` finds it; we wait for it (bounded). The program can be overridden with
 * DLAN_WIREGUARD_GO (a wireguard-go binary: it is run as `PROGRAM -f NAME`).
 */
export async function createWireguard(host: Host, name: string, root: string): Promise<'kernel' | 'wireguard-go'> {
  const k = await host.exec('ip', ['link', 'add', 'dev', name, 'type', 'wireguard'], { timeoutMs: 10000 });
  if (k.code === 0) return 'kernel';
  if (!/unknown device type|not supported|no such device/i.test(k.stderr)) throw new CommandFailedError(['ip', 'link', 'add', 'dev', name, 'type', 'wireguard'], k.code, k.stderr);
  const program = host.env('DLAN_WIREGUARD_GO') || 'wireguard-go';
  const log = underRoot(root, LINUX_RUNTIME.wireguardGoLog(name));
  await host.files.mkdirp(log.slice(0, log.lastIndexOf('/')));
  host.log.log('info', 'kernel has no WireGuard: starting userspace wireguard-go', { interface: name, program, log });
  // Inherited WG_* variables would make wireguard-go take fds it does not have (WG_TUN_FD,
  // WG_UAPI_FD) or change mode: cleared (empty is "unset" for it).
  const env = { WG_PROCESS_FOREGROUND: '', WG_TUN_FD: '', WG_UAPI_FD: '', LOG_LEVEL: 'error' };
  await must(host, ['setsid', '-f', 'sh', '-c', DETACH_SCRIPT, program, name, log], { env });
  // `wg show` answers once the UAPI socket (/var/run/wireguard/<name>.sock) is there. Through
  // exec, not the file API: the socket and log are in the namespace the commands run in.
  const deadline = host.now() + 10_000;
  while (host.now() < deadline) {
    const r = await host.exec('wg', ['show', name, 'listen-port'], { timeoutMs: 2000 });
    if (r.code === 0) return 'wireguard-go';
    await host.sleep(50);
  }
  const tail = (await host.exec('tail', ['-n', '5', log], { timeoutMs: 2000 })).stdout.trim();
  throw new Error(`wireguard-go did not bring up ${name} within 10 s${tail ? `; its log ${log} ends with:\n${tail}` : ` (nothing in ${log})`}`);
}

// `wg … preshared-key /dev/stdin` opens its stdin by path; node hands a child a socket as stdin,
// which cannot be opened (ENXIO). `cat` copies it into a real pipe. Constant script; the command
// is its positional arguments; the key only ever travels through stdin and the pipe.
const STDIN_PIPE_SCRIPT = 'cat | "$@"';

async function runCommand(host: Host, c: NetCommand, root: string): Promise<void> {
  if ('createWireguard' in c) await createWireguard(host, c.createWireguard, root);
  // tee, not an atomic file replace: /proc/sys files are written in place. stdout is discarded.
  else if ('sysctl' in c) await must(host, ['tee', sysctlPath(c.sysctl)], { input: `${c.value}\n` });
  else if (c.input !== undefined) await must(host, ['sh', '-c', STDIN_PIPE_SCRIPT, 'sh', ...c.argv], { input: c.input });
  else await must(host, c.argv);
}

/** `root`: where runtime files go (wireguard-go's log), as every path the backend writes. */
export async function runNetSteps(host: Host, steps: NetStep[], root: string): Promise<void> {
  for (const step of steps) {
    for (const c of step.commands) {
      try {
        await runCommand(host, c, root);
      } catch (e) {
        throw new Error(`${step.change.op} ${step.change.target}: ${(e as Error).message}`);
      }
    }
  }
}
