// The deployment flow of the lab, as on real routers: every router gets a WireGuard key, the
// admin commits the public keys to the config repo, every router fetches the repo over its WAN
// from the git server and converges.
//
// Two modes, chosen by what the built agent offers:
//  - `apply` (until the GitOps agent lands): the lab generates the key with `wg genkey` into
//    <root>/etc/dlan/wireguard.key, clones/pulls the repo inside the router and runs
//    `dlan-agent apply --backend linux --config <checkout> --router rN --root <root> --reload`;
//  - `gitops` (when `init` and `sync` exist): `dlan-agent init` makes the key and prints the public
//    key, the lab writes <root>/etc/dlan/agent.yaml, and `sync` (or a `run` daemon) pulls and applies.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConfigRepo } from './config-repo.ts';
import { ensureDaemon } from './daemons.ts';
import { agent, agentArgv, agentHas, holderPid, inRouter } from './router-cli.ts';
import { inHolder, must } from './run.ts';
import { INTERNET, ROUTERS, paths, type LabRouter } from './topology.ts';

export type DeployMode = 'apply' | 'gitops';

export function deployMode(): DeployMode {
  if (process.env.DLAN_LAB_MODE === 'apply' || process.env.DLAN_LAB_MODE === 'gitops') return process.env.DLAN_LAB_MODE;
  return agentHas('init') && agentHas('sync') ? 'gitops' : 'apply';
}

/** Seconds between the agents' checks in the lab (check 7 waits interval + 15 s). */
export const LAB_INTERVAL_S = 20;

const keyFile = (r: LabRouter) => join(r.root, 'etc', 'dlan', 'wireguard.key');
const checkout = (r: LabRouter) => join(paths.routerDir(r.name), 'repo');

/** The router's public key: made with wg (apply mode) or by `dlan-agent init` (gitops mode). */
function routerPublicKey(r: LabRouter, mode: DeployMode): string {
  mkdirSync(join(r.root, 'etc', 'dlan'), { recursive: true });
  if (mode === 'gitops') {
    const out = agent(r, ['init', '--repo', GITOPS_REPO_URL, '--router', r.name, '--interval', String(LAB_INTERVAL_S), '--schedule', 'none', '--root', r.root]);
    if (out.code !== 0) throw new Error(`dlan-agent init on ${r.name} failed:\n${out.stderr}`);
    const key = /[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=/.exec(out.stdout)?.[0];
    if (!key) throw new Error(`dlan-agent init on ${r.name} printed no public key:\n${out.stdout}`);
    return key;
  }
  if (!existsSync(keyFile(r))) {
    const priv = must(['wg', 'genkey']);
    writeFileSync(keyFile(r), priv, { mode: 0o600 });
    chmodSync(keyFile(r), 0o600);
  }
  return must(['wg', 'pubkey'], { input: must(['cat', keyFile(r)]) }).trim();
}

/**
 * The repo URL the agents follow in gitops mode: the git daemon on the internet, fetched over each
 * router's WAN (through the home NAT for R1–R3), as in apply mode. git:// is unauthenticated (the
 * agent warns); signed commits (`verify`) are the defence on a real mesh.
 */
export const GITOPS_REPO_URL = INTERNET.gitUrl;

/** Fetches the config repo inside the router, over its WAN (through the home NAT for R1–R3). */
function fetchRepo(r: LabRouter): void {
  const dir = checkout(r);
  const argv = existsSync(join(dir, '.git'))
    ? ['git', '-C', dir, 'pull', '-q', '--ff-only']
    : ['git', 'clone', '-q', INTERNET.gitUrl, dir];
  const out = inRouter(r, argv, 30_000);
  if (out.code !== 0) throw new Error(`${r.name} could not fetch ${INTERNET.gitUrl}: ${out.stderr.trim()}`);
}

export interface RouterDeployResult {
  router: string;
  code: number;
  output: string;
}

/** One convergence step on one router: apply the current repo head (or `sync` in gitops mode). */
export function deployRouter(r: LabRouter, mode = deployMode()): RouterDeployResult {
  let out;
  if (mode === 'gitops') {
    out = agent(r, ['sync', '--root', r.root, '--reload']);
  } else {
    fetchRepo(r);
    out = agent(r, ['apply', '--backend', 'linux', '--config', checkout(r), '--router', r.name, '--root', r.root, '--reload']);
  }
  return { router: r.name, code: out.code, output: `${out.stdout}${out.stderr}` };
}

/** Keys, repo, and a first convergence step on every router. */
export function deployAll(log: (m: string) => void = () => {}): RouterDeployResult[] {
  const mode = deployMode();
  log(`deploying in ${mode} mode`);
  const keys: Record<string, string> = {};
  for (const r of ROUTERS) keys[r.name] = routerPublicKey(r, mode);
  const commit = createConfigRepo(keys);
  log(`config repo at ${mode === 'gitops' ? GITOPS_REPO_URL : INTERNET.gitUrl}, commit ${commit.slice(0, 10)}`);
  const results = ROUTERS.map((r) => {
    const res = deployRouter(r, mode);
    log(`${r.name}: ${mode === 'gitops' ? 'sync' : 'apply'} exit ${res.code}`);
    return res;
  });
  if (mode === 'gitops') startAgents();
  return results;
}

/** gitops mode: one `dlan-agent run` per router, so commits are picked up without the lab. */
export function startAgents(): void {
  for (const r of ROUTERS) {
    ensureDaemon(`agent-${r.name}`, inHolder(holderPid(r), agentArgv(['run', '--root', r.root, '--reload'])));
  }
}

/** Re-applies on every router (apply mode: what a `run` daemon would do after a commit). */
export function redeployAll(): RouterDeployResult[] {
  const mode = deployMode();
  return ROUTERS.map((r) => deployRouter(r, mode));
}

export function wgShow(r: LabRouter): string {
  return inRouter(r, ['wg', 'show', 'wg0']).stdout;
}
