// The agent's own settings: where the config repo is, which router this is, how often to check,
// whom to trust, where to report. They live on the router only (never in the config repo), so a
// commit can neither change what the agent trusts nor where its tokens go.
// Keys (snake_case in both files) are listed in SETTING_KEYS; see "Settings" in the top-level README.

export type VerifyMode = 'none' | 'ssh' | 'gpg';
export type ForgeKind = 'none' | 'gitea' | 'github' | 'gitlab';

export interface AgentSettings {
  repo: string;
  branch: string;
  path: string;
  router: string;
  /** Seconds between checks. */
  interval: number;
  verify: VerifyMode;
  /** ssh: allowed-signers lines; gpg: key fingerprints (keys imported into /etc/dlan/gnupg). */
  allowedSigners: string[];
  confirmTimeout: number;
  /**
   * Also move to a head that does not descend from the applied commit (an older commit, a
   * rewritten history). Off: such a head is refused (a forge replaying an old signed commit).
   */
  allowRewind: boolean;
  /** Bytes a fetch of the config repo may bring; the fetch is stopped beyond it. */
  maxRepoBytes: number;
  report: {
    forge: ForgeKind;
    /** API base, e.g. `https://git.example.org` (Gitea), `https://api.github.com`, `https://gitlab.com`. */
    url: string | null;
    /** `owner/name` on the forge; derived from `repo` when absent. */
    repository: string | null;
    token: string | null;
  };
  webhook: { url: string | null; token: string | null };
  /** birdc control socket; `null` = birdc's built-in default. */
  birdSocket: string | null;
  /** Linux: the named network namespace the backend works in (`--netns`); null = the agent's own. */
  netns: string | null;
}

/** Raw values as read from either file: strings, or string lists for list keys. */
export type RawSettings = Record<string, string | string[]>;

export const SETTING_KEYS = [
  'repo',
  'branch',
  'path',
  'router',
  'interval',
  'verify',
  'allowed_signers',
  'confirm_timeout',
  'allow_rewind',
  'max_repo_mb',
  'report',
  'report_url',
  'report_repo',
  'report_token',
  'webhook_url',
  'webhook_token',
  'bird_socket',
  'netns',
] as const;
export const LIST_KEYS = new Set(['allowed_signers']);
/** Never printed, never logged. */
export const SECRET_KEYS = new Set(['report_token', 'webhook_token']);

export const DEFAULTS = { branch: 'main', path: 'dlan.yaml', interval: 300, verify: 'none', confirmTimeout: 60, maxRepoMb: 16 } as const;

export type SettingsResult = { ok: true; settings: AgentSettings; warnings: string[] } | { ok: false; errors: string[] };

// A branch name git accepts and that cannot be read as an option or a refspec trick.
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[A-Za-z0-9._/-]+(?<!\.lock)(?<![/.])$/;
const ROUTER = /^[a-z][a-z0-9-]{0,30}$/;
/** A name `ip netns add` accepts that can not be read as an option or a path. */
export const NETNS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

function one(raw: RawSettings, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function list(raw: RawSettings, key: string): string[] {
  const v = raw[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => x.trim()).filter((x) => x !== '');
}

function whole(raw: RawSettings, key: string, def: number, min: number, max: number, unit: string, errors: string[]): number {
  const v = one(raw, key);
  if (v === undefined || v === '') return def;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    errors.push(`${key}: must be a whole number of ${unit} from ${min} to ${max} (got ${JSON.stringify(v)})`);
    return def;
  }
  return Number(v);
}

function checkUrl(key: string, v: string, schemes: RegExp, errors: string[]): void {
  if (v.startsWith('-') || /[\s\0-\x1f]/.test(v) || !schemes.test(v)) errors.push(`${key}: not an accepted URL (${schemes.source})`);
}

/** `hostname` is the default router name (the config says: router defaults to the hostname). */
export function parseSettings(raw: RawSettings, hostname: string | null): SettingsResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!(SETTING_KEYS as readonly string[]).includes(key)) warnings.push(`${key}: unknown setting, ignored`);
  }
  const repo = one(raw, 'repo') ?? '';
  if (repo === '') errors.push('repo: required (git URL of the config repo)');
  // https, ssh (URL or scp-like user@host:path), file (URL or absolute path), and the
  // unauthenticated http:// and git:// (warned: signed commits, `verify`, are then the defence).
  else if (repo.startsWith('-') || /[\s\0-\x1f]/.test(repo) || !/^(https?:\/\/|git:\/\/|ssh:\/\/|file:\/\/|\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)/.test(repo)) {
    errors.push('repo: must be an https://, ssh:// (or user@host:path), git://, http://, file:// URL or an absolute path');
  } else if (/^(http|git):\/\//.test(repo)) {
    warnings.push(`repo: ${repo.slice(0, repo.indexOf(':'))}:// is unauthenticated: anyone on the path can change what is fetched; use verify: ssh or gpg (signed commits) or an https/ssh URL`);
  }
  const branch = one(raw, 'branch') || DEFAULTS.branch;
  if (!BRANCH.test(branch)) errors.push(`branch: not a valid branch name: ${JSON.stringify(branch)}`);
  const path = one(raw, 'path') || DEFAULTS.path;
  if (path.startsWith('/') || path.split('/').includes('..') || /[\0-\x1f]/.test(path)) errors.push('path: must be a relative path inside the repo (no `..`)');
  const router = one(raw, 'router') || hostname || '';
  if (!ROUTER.test(router)) errors.push(`router: ${router === '' ? 'required (no hostname to default to)' : `not a router name: ${JSON.stringify(router)}`}`);
  const interval = whole(raw, 'interval', DEFAULTS.interval, 10, 86400, 'seconds', errors);
  const confirmTimeout = whole(raw, 'confirm_timeout', DEFAULTS.confirmTimeout, 5, 3600, 'seconds', errors);
  const maxRepoMb = whole(raw, 'max_repo_mb', DEFAULTS.maxRepoMb, 1, 4096, 'megabytes', errors);
  const rewind = one(raw, 'allow_rewind') || 'false';
  if (!['true', 'false', '1', '0'].includes(rewind)) errors.push(`allow_rewind: must be true or false (got ${JSON.stringify(rewind)})`);
  const verify = (one(raw, 'verify') || DEFAULTS.verify) as VerifyMode;
  if (!['none', 'ssh', 'gpg'].includes(verify)) errors.push('verify: must be none, ssh or gpg');
  const allowedSigners = list(raw, 'allowed_signers');
  if (verify !== 'none' && allowedSigners.length === 0) errors.push(`allowed_signers: verify is ${verify} but no key is allowed`);
  for (const s of allowedSigners) {
    if (/[\0-\x1f]/.test(s)) errors.push('allowed_signers: an entry holds a control character (one key per entry)');
    else if (verify === 'gpg' && !/^[0-9A-Fa-f]{40}$|^[0-9A-Fa-f]{64}$/.test(s.replace(/\s/g, ''))) {
      errors.push(`allowed_signers: ${JSON.stringify(s)} is not a full gpg fingerprint (40 or 64 hex digits)`);
    } else if (verify === 'ssh' && !/(^|\s)(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\s+[A-Za-z0-9+/=]+/.test(s)) {
      errors.push(`allowed_signers: ${JSON.stringify(s.slice(0, 40))}… is not an ssh public key line`);
    }
  }
  const forge = (one(raw, 'report') || 'none') as ForgeKind;
  if (!['none', 'gitea', 'github', 'gitlab'].includes(forge)) errors.push('report: must be none, gitea, github or gitlab');
  const reportUrl = one(raw, 'report_url') || null;
  if (reportUrl) checkUrl('report_url', reportUrl, /^https?:\/\//, errors);
  if (forge !== 'none' && !reportUrl) errors.push(`report_url: required when report is ${forge} (the forge's base URL)`);
  const reportRepo = one(raw, 'report_repo') || null;
  if (reportRepo && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)+$/.test(reportRepo)) errors.push('report_repo: must be owner/name');
  const webhookUrl = one(raw, 'webhook_url') || null;
  if (webhookUrl) checkUrl('webhook_url', webhookUrl, /^https?:\/\//, errors);
  const birdSocket = one(raw, 'bird_socket') || null;
  if (birdSocket && !birdSocket.startsWith('/')) errors.push('bird_socket: must be an absolute path');
  const netns = one(raw, 'netns') || null;
  if (netns && !NETNS_NAME.test(netns)) errors.push('netns: not a network namespace name (letters, digits, _ . -)');
  for (const key of ['report_token', 'webhook_token']) {
    const v = one(raw, key);
    if (v && /[\0-\x1f\s]/.test(v)) errors.push(`${key}: must not contain whitespace or control characters`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    warnings,
    settings: {
      repo,
      branch,
      path,
      router,
      interval,
      verify,
      allowedSigners,
      confirmTimeout,
      allowRewind: rewind === 'true' || rewind === '1',
      maxRepoBytes: maxRepoMb * 1024 * 1024,
      report: { forge, url: reportUrl, repository: reportRepo, token: one(raw, 'report_token') || null },
      webhook: { url: webhookUrl, token: one(raw, 'webhook_token') || null },
      birdSocket,
      netns,
    },
  };
}
