// Every path the GitOps agent reads or writes, below `root` (`/` on a router); dlan's own files
// are named from the one table (agent/base/dlan-paths.ts), the cron files are the system's.
import * as DLAN_PATHS from '../base/dlan-paths.ts';
import { underRoot } from '../base/dlan-paths.ts';

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
  const r = (p: string) => underRoot(root, p);
  return {
    root,
    stateFile: r(DLAN_PATHS.agentState),
    appliedStateFile: r(DLAN_PATHS.appliedState),
    pendingFile: r(DLAN_PATHS.pending),
    pendingClaim: r(DLAN_PATHS.pendingClaim),
    holdFile: r(DLAN_PATHS.hold),
    keyFile: r(DLAN_PATHS.wireguardKey),
    gnupgHome: r(DLAN_PATHS.gnupgHome),
    allowedSignersFile: r(DLAN_PATHS.allowedSigners),
    lock: r(DLAN_PATHS.syncLock),
    runFile: r(DLAN_PATHS.runFile),
    repoDir: r(DLAN_PATHS.repoDir),
    crontab: r('/etc/crontabs/root'),
    cronD: r('/etc/cron.d/dlan-agent'),
  };
}
