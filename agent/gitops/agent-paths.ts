// Every path the GitOps agent reads or writes, below `root` (`/` on a router).
// Persistent things (survive a reboot: state, pending confirmation, key, trust) are under
// /etc/dlan; volatile ones (lock, last-run heartbeat, the clone) under /var, which is RAM on
// OpenWrt, so a check every few minutes does not wear the flash.
import { joinRoot } from '../settings/settings-file.ts';

export interface AgentPaths {
  root: string;
  stateFile: string;
  appliedStateFile: string;
  pendingFile: string;
  pendingClaim: string;
  holdFile: string;
  keyFile: string;
  gnupgHome: string;
  allowedSignersFile: string;
  lock: string;
  runFile: string;
  repoDir: string;
  crontab: string;
  cronD: string;
}

export function agentPaths(root: string): AgentPaths {
  const r = (p: string) => joinRoot(root, p);
  return {
    root,
    stateFile: r('/etc/dlan/state.json'),
    appliedStateFile: r('/etc/dlan/applied-state.json'),
    pendingFile: r('/etc/dlan/pending.json'),
    pendingClaim: r('/etc/dlan/pending.claim'),
    holdFile: r('/etc/dlan/hold.json'),
    keyFile: r('/etc/dlan/wireguard.key'),
    gnupgHome: r('/etc/dlan/gnupg'),
    allowedSignersFile: r('/var/run/dlan/allowed_signers'),
    lock: r('/var/run/dlan/sync.lock'),
    runFile: r('/var/run/dlan/run.json'),
    repoDir: r('/var/lib/dlan/repo'),
    crontab: r('/etc/crontabs/root'),
    cronD: r('/etc/cron.d/dlan-agent'),
  };
}
