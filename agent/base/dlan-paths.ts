// Where dlan-agent keeps its own files, as absolute paths on the router: the one table every
// reader and writer names them from (`import * as DLAN_PATHS`), put below `--root` with underRoot.
// One constant each rather than one object, so that a bundle carries only the paths it uses (the
// QuickJS bundle has no Linux backend). Persistent things (keys, state, ledgers, originals,
// snapshots: they must survive a reboot) are under /etc/dlan; volatile ones (the lock, the last-run
// heartbeat, the clone, uci's save dir) under /var and /tmp, which are RAM on OpenWrt, so a check
// every few minutes does not wear the flash.
// Both backends keep one ledger, one originals folder and one snapshot folder (issue #14): the
// backend engine in agent/backend/common reads and writes them; the legacy entries are read only
// by its migration (common/migrate-state.ts).
export const stateDir = '/etc/dlan';
/** The router's WireGuard private key (0600). */
export const wireguardKey = '/etc/dlan/wireguard.key';
/** The router's age identity (0600): sealed link keys are opened with it. */
export const ageIdentity = '/etc/dlan/age.key';
/** Agent settings on Debian; OpenWrt keeps them in settingsUci. */
export const settingsYaml = '/etc/dlan/agent.yaml';
export const settingsUci = '/etc/config/dlan-agent';
export const agentState = '/etc/dlan/state.json';
export const appliedState = '/etc/dlan/applied-state.json';
export const pending = '/etc/dlan/pending.json';
export const pendingClaim = '/etc/dlan/pending.claim';
export const hold = '/etc/dlan/hold.json';
export const gnupgHome = '/etc/dlan/gnupg';
/** Both backends: one `<id>.json` per snapshot. */
export const snapshots = '/etc/dlan/snapshots';
/** Both backends: what dlan owns (common/dlan-ledger.ts). */
export const ledger = '/etc/dlan/ledger.json';
/** An apply in progress: the snapshot that undoes it (common/apply-intent.ts). */
export const applyIntent = '/etc/dlan/apply-intent.json';
/** Both backends: a file's bytes before dlan first wrote it, below this folder at its own path. */
export const originals = '/etc/dlan/originals';
/** Before the one ledger: the Linux backend's own (migrated, then removed). */
export const legacyLinuxLedger = '/etc/dlan/linux-ledger.json';
/** Before the one originals folder: OpenWrt's (migrated, then removed). */
export const legacyOpenwrtOriginals = '/etc/dlan/original';
export const openwrtScratch = '/etc/dlan/check';
export const linuxAppliedState = '/etc/dlan/linux-applied-state.json';
export const linuxScratch = '/etc/dlan/.check';
export const serviceTable = '/etc/dlan/services.json';
export const nginxConf = '/etc/dlan/nginx/nginx.conf';
export const nftRuleset = '/etc/dlan/nftables.nft';
export const allowedSigners = '/var/run/dlan/allowed_signers';
export const syncLock = '/var/run/dlan/sync.lock';
export const runFile = '/var/run/dlan/run.json';
export const repoDir = '/var/lib/dlan/repo';
/** Private uci save dir: never shared with a user's pending changes in /tmp/.uci. */
export const uciSavedir = '/tmp/dlan-uci';

/** `root` + an absolute path, without doubling the slash (`/` and `` are the machine's own root). */
export function underRoot(root: string, path: string): string {
  return `${root.replace(/\/+$/, '')}${path}`;
}
