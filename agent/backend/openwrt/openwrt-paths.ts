// Where the OpenWrt backend reads and writes, below `--root` (the machine's `/` on a router).
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { underRoot } from '../../base/dlan-paths.ts';

export interface StatePaths {
  root: string;
  stateDir: string;
  key: string;
  originals: string;
  savedir: string;
  confdir: string;
}

export function statePaths(root: string): StatePaths {
  const r = (p: string) => underRoot(root, p);
  return {
    root: r(''),
    stateDir: r(DLAN_PATHS.stateDir),
    key: r(DLAN_PATHS.wireguardKey),
    originals: r(DLAN_PATHS.originals),
    savedir: r(DLAN_PATHS.uciSavedir),
    confdir: r('/etc/config'),
  };
}
