// Commands run inside a lab router (its netns + the holder's mount namespace): dlan-agent,
// birdc, wg, ip. Used by the deployment flow, the demo's status output and the e2e checks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alivePid } from './daemons.ts';
import { inHolder, run, runAsync, type RunResult } from './run.ts';
import type { LabRouter } from './topology.ts';

/** The agent under test: the built bundle (npm run build), or DLAN_AGENT. */
export const AGENT_BUNDLE = process.env.DLAN_AGENT ?? fileURLToPath(new URL('../dist/dlan-agent.js', import.meta.url));

// The backend starts wireguard-go itself (detached, foreground mode) when the kernel has no
// WireGuard, as on a real router: the lab passes no wrapper.

export function holderPid(r: LabRouter): number {
  const pid = alivePid(`holder-${r.name}`);
  if (pid === null) throw new Error(`router ${r.name} has no running holder: is the lab up? (npm run demo)`);
  return pid;
}

export function inRouter(r: LabRouter, argv: readonly string[], timeoutMs = 60_000): RunResult {
  return run(inHolder(holderPid(r), argv), { timeoutMs });
}

export function inRouterAsync(r: LabRouter, argv: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
  return runAsync(inHolder(holderPid(r), argv), { timeoutMs });
}

export function agentArgv(args: readonly string[]): string[] {
  if (!existsSync(AGENT_BUNDLE)) throw new Error(`${AGENT_BUNDLE} is missing: run npm run build first`);
  return [process.execPath, AGENT_BUNDLE, ...args];
}

/** `dlan-agent …` inside the router. */
export function agent(r: LabRouter, args: readonly string[], timeoutMs = 120_000): RunResult {
  return inRouter(r, agentArgv(args), timeoutMs);
}

let helpText: string | null = null;
/** Whether the built agent has a command (`sync`, `status`, `init`…): the lab adapts to what exists. */
export function agentHas(command: string): boolean {
  if (helpText === null) {
    const r = run(agentArgv(['--help']));
    helpText = `${r.stdout}\n${r.stderr}`;
  }
  return new RegExp(`^\\s*(dlan-agent\\s+)?${command}\\b`, 'm').test(helpText);
}

/** bird's control socket: the Debian default in the router's private /run, or one below its root. */
export function birdSocket(r: LabRouter): string {
  const candidates = ['/run/bird/bird.ctl', join(r.root, 'run/bird/bird.ctl'), join(r.root, 'var/run/bird/bird.ctl'), join(r.root, 'run/bird.ctl')];
  for (const c of candidates) if (inRouter(r, ['test', '-S', c]).code === 0) return c;
  return candidates[0]!;
}

export function birdc(r: LabRouter, args: readonly string[]): RunResult {
  return inRouter(r, ['birdc', '-s', birdSocket(r), ...args], 15_000);
}

export interface OspfNeighbor {
  instance: string;
  routerId: string;
  state: string;
  iface: string;
}

/** Parses `birdc show ospf neighbors` (all instances). */
export function ospfNeighbors(r: LabRouter): OspfNeighbor[] {
  const out = birdc(r, ['show', 'ospf', 'neighbors']);
  if (out.code !== 0) return [];
  const result: OspfNeighbor[] = [];
  let instance = '';
  for (const line of out.stdout.split('\n')) {
    const inst = /^(\S+):\s*$/.exec(line);
    if (inst) instance = inst[1]!;
    const m = /^(\d+\.\d+\.\d+\.\d+)\s+\d+\s+(\S+)\s+\S+\s+(\S+)/.exec(line);
    if (m) result.push({ instance, routerId: m[1]!, state: m[2]!, iface: m[3]! });
  }
  return result;
}

/** Pids of the daemons in a router's namespace, by program (`bird`, `dnsmasq`, `nginx` master…). */
export function daemonPids(r: LabRouter): Record<string, number[]> {
  const pids = run(['ip', 'netns', 'pids', r.ns]).stdout.split(/\s+/).filter(Boolean).map(Number);
  const byName: Record<string, number[]> = {};
  for (const pid of pids) {
    const cmd = run(['cat', `/proc/${pid}/cmdline`]).stdout.split('\0').filter(Boolean);
    const comm = run(['cat', `/proc/${pid}/comm`]).stdout.trim();
    // nginx workers come and go with every reload; the master is the process to watch
    if (comm === 'nginx' && !cmd.join(' ').includes('master')) continue;
    (byName[comm] ??= []).push(pid);
  }
  return byName;
}
