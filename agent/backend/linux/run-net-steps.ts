// Runs the interface steps of a plan, in order, stopping at the first failure. Commands never go
// through a shell and never carry the private key (wg reads it from its file).
import type { Host } from '../../host/host.ts';
import { CommandFailedError } from './current-net-state.ts';
import type { NetCommand, NetStep } from './plan-interfaces.ts';

async function must(host: Host, argv: string[], env?: Record<string, string>): Promise<void> {
  const r = await host.exec(argv[0]!, argv.slice(1), { timeoutMs: 20000, ...(env ? { env } : {}) });
  if (r.code !== 0) throw new CommandFailedError(argv, r.code, r.stderr);
}

/**
 * Kernel WireGuard when the kernel has it; otherwise wireguard-go (userspace, over /dev/net/tun),
 * started in its self-daemonizing mode: it detaches from our pipes (LOG_LEVEL empty) and keeps its
 * control socket in /var/run/wireguard/<name>.sock, where `wg` finds it. The program can be
 * overridden with DLAN_WIREGUARD_GO.
 */
export async function createWireguard(host: Host, name: string): Promise<'kernel' | 'wireguard-go'> {
  const k = await host.exec('ip', ['link', 'add', 'dev', name, 'type', 'wireguard'], { timeoutMs: 10000 });
  if (k.code === 0) return 'kernel';
  if (!/unknown device type|not supported|no such device/i.test(k.stderr)) throw new CommandFailedError(['ip', 'link', 'add', 'dev', name, 'type', 'wireguard'], k.code, k.stderr);
  const program = host.env('DLAN_WIREGUARD_GO') || 'wireguard-go';
  host.log.log('info', 'kernel has no WireGuard: starting userspace wireguard-go', { interface: name, program });
  // Only LOG_LEVEL is touched: wireguard-go hands WG_* variables to its daemon child, and a
  // variable set twice in the environment is read as its first value by Go.
  await must(host, [program, name], { LOG_LEVEL: '' });
  for (let i = 0; i < 60; i++) {
    const r = await host.exec('wg', ['show', name, 'listen-port'], { timeoutMs: 1000 });
    if (r.code === 0) return 'wireguard-go';
    await host.sleep(50);
  }
  throw new Error(`wireguard-go did not bring up ${name} within 3 s`);
}

async function runCommand(host: Host, c: NetCommand): Promise<void> {
  if ('createWireguard' in c) await createWireguard(host, c.createWireguard);
  else await must(host, c.argv);
}

export async function runNetSteps(host: Host, steps: NetStep[]): Promise<void> {
  for (const step of steps) {
    for (const c of step.commands) {
      try {
        await runCommand(host, c);
      } catch (e) {
        throw new Error(`${step.change.op} ${step.change.target}: ${(e as Error).message}`);
      }
    }
  }
}
