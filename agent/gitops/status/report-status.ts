// Tells the forge (and an optional webhook) how each attempt went: a commit status with context
// `dlan/<router>` on Gitea, GitHub or GitLab, and a JSON event for alerts. Both are de-duplicated
// (the same commit/state/description is never posted twice, across runs) and can never fail a
// sync: every error is logged and forgotten. Tokens come from the local settings only and are
// never logged.
import type { HttpClient, HttpRequest } from '../../host/http-client.ts';
import type { AgentSettings } from '../../settings/agent-settings.ts';
import type { AgentLog } from '../agent-log.ts';
import { shortSha } from '../agent-log.ts';
import type { AgentState } from '../agent-state.ts';

export type CommitState = 'pending' | 'success' | 'failure';

export interface ReportEvent {
  /** What happened: applying, applied, unchanged, drift-corrected, upstreams-changed, refused, rolled-back, error, recovered. */
  event: string;
  sha: string;
  state: CommitState;
  description: string;
  /** false: webhook only (e.g. the remote could not be reached: no commit to put a status on). */
  forge?: boolean;
}

const TIMEOUT_MS = 8000;

/** `owner/name` from the settings, or from the repo URL (https://h/o/n.git, git@h:o/n.git, ssh://h/o/n). */
export function forgeRepository(settings: AgentSettings): string | null {
  if (settings.report.repository) return settings.report.repository;
  const m = /^(?:[a-z+]+:\/\/[^/]+\/|[^@/]+@[^:/]+:)(.+?)(?:\.git)?\/?$/.exec(settings.repo);
  return m && m[1]!.includes('/') ? m[1]! : null;
}

export function commitStatusRequest(settings: AgentSettings, ev: ReportEvent): HttpRequest | null {
  const { forge, url, token } = settings.report;
  const repo = forgeRepository(settings);
  if (forge === 'none' || !url || !repo) return null;
  const base = url.replace(/\/+$/, '');
  const context = `dlan/${settings.router}`;
  const description = ev.description.length > 140 ? `${ev.description.slice(0, 137)}...` : ev.description;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'dlan-agent' };
  const [owner, ...rest] = repo.split('/');
  const post = (path: string, body: object): HttpRequest => ({ method: 'POST', url: `${base}${path}/statuses/${ev.sha}`, headers, body: JSON.stringify(body), timeoutMs: TIMEOUT_MS });
  if (forge === 'gitlab') {
    if (token) headers['private-token'] = token;
    return post(`/api/v4/projects/${encodeURIComponent(repo)}`, { state: ev.state === 'failure' ? 'failed' : ev.state, name: context, description });
  }
  // Gitea and GitHub take the same body; the path and the token's scheme differ.
  const path = `/repos/${encodeURIComponent(owner!)}/${encodeURIComponent(rest.join('/'))}`;
  if (forge === 'github') headers.accept = 'application/vnd.github+json';
  if (token) headers.authorization = forge === 'github' ? `Bearer ${token}` : `token ${token}`;
  return post(forge === 'github' ? path : `/api/v1${path}`, { state: ev.state, context, description });
}

async function deliver(http: HttpClient, req: HttpRequest, log: AgentLog, what: string, sha: string): Promise<boolean> {
  try {
    const res = await http.request(req);
    if (res.status >= 200 && res.status < 300) return true;
    log.log('warn', `report: ${what} answered HTTP ${res.status}`, { commit: shortSha(sha) });
  } catch (e) {
    log.log('warn', `report: ${what} failed: ${e instanceof Error ? e.message : String(e)}`, { commit: shortSha(sha) });
  }
  return false;
}

/** Posts the commit status and the webhook event when they differ from what was delivered last. */
export async function report(http: HttpClient, settings: AgentSettings, state: AgentState, ev: ReportEvent, log: AgentLog, at: string): Promise<void> {
  const statusReq = commitStatusRequest(settings, ev);
  const statusKey = `forge:dlan/${settings.router}`;
  const statusValue = `${ev.sha} ${ev.state} ${ev.description}`;
  if (statusReq && ev.forge !== false && state.reported[statusKey] !== statusValue) {
    if (await deliver(http, statusReq, log, `${settings.report.forge} commit status`, ev.sha)) state.reported[statusKey] = statusValue;
  }
  if (settings.webhook.url && ev.state !== 'pending') {
    const hookValue = `${ev.sha} ${ev.event} ${ev.description}`;
    if (state.reported.webhook !== hookValue) {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'dlan-agent' };
      if (settings.webhook.token) headers.authorization = `Bearer ${settings.webhook.token}`;
      const body = JSON.stringify({ router: settings.router, event: ev.event, state: ev.state, commit: ev.sha, description: ev.description, at });
      if (await deliver(http, { method: 'POST', url: settings.webhook.url, headers, body, timeoutMs: TIMEOUT_MS }, log, 'webhook', ev.sha)) state.reported.webhook = hookValue;
    }
  }
}
