// The one writer of a cycle's outcome: state.json, the applied-state cache, the log lines that
// end a cycle, the forge commit status and the webhook. Phases return what happened; the
// recorder turns it into state through the pure functions of cycle-end.ts and
// record-rollback.ts, and writes state.json only when its text changed (a quiet router never
// writes to flash).
import { isoTime, loadState, saveState, type AgentState } from '../agent-state.ts';
import { readHold, withHold } from '../rollback/manual-hold.ts';
import { recordRollback, rollbackEvent, type RollbackDone } from '../rollback/record-rollback.ts';
import { waitForDecision } from '../rollback/rollback-guard.ts';
import { report, type ReportEvent } from '../status/report-status.ts';
import type { SyncEnv } from '../sync-env.ts';
import { writeAppliedState } from './applied-state-cache.ts';
import { recordCrash, type DiedRun } from './record-crash.ts';
import type { SyncOutcome } from './cycle-context.ts';
import { endCycle, type CycleEnd, type DriftEnd } from './cycle-end.ts';

export class Recorder {
  private constructor(
    private readonly env: SyncEnv,
    public state: AgentState,
    private text: string | null,
  ) {}

  static async open(env: SyncEnv): Promise<Recorder> {
    const loaded = await loadState(env.host, env.paths.stateFile);
    if (loaded.recovered) env.log.log('warn', loaded.recovered);
    const r = new Recorder(env, withHold(loaded.state, await readHold(env.host, env.paths.holdFile)), loaded.text);
    if (r.state.router !== env.settings.router) {
      if (r.state.router !== null) env.log.log('warn', `state.json was written for router ${r.state.router}, now ${env.settings.router}`);
      r.state = { ...r.state, router: env.settings.router };
    }
    return r;
  }

  private now(): string {
    return isoTime(this.env.host.now());
  }

  async report(ev: ReportEvent): Promise<void> {
    await report(this.env.deps.http, this.env.settings, this.state, ev, this.env.log, this.now());
  }

  /** The branch head seen by this check of the remote. */
  sawRemote(sha: string): void {
    if (this.state.remote?.sha !== sha) this.state = { ...this.state, remote: { sha, checkedAt: this.now() } };
  }

  /** The run before this one died (its marker was still set). */
  crashed(died: DiedRun): void {
    this.state = recordCrash(this.state, died, this.now());
    this.env.log.log('warn', `phase=recover ${this.state.lastError!.reason}`);
  }

  /** Records a rollback at once (before the pending confirmation is cleared). */
  async rollback(done: RollbackDone): Promise<void> {
    this.state = recordRollback(this.state, done);
    const ev = rollbackEvent(done);
    if (ev) await this.report(ev);
    await this.save();
  }

  /**
   * The rollback timer took the decision from this cycle (it claimed the confirmation first):
   * wait until it is done, then take over the state it wrote.
   */
  async takeOverFromTimer(): Promise<void> {
    const { host, paths } = this.env;
    await waitForDecision(host, paths);
    const loaded = await loadState(host, paths.stateFile);
    this.state = loaded.state;
    this.text = loaded.text;
  }

  private async save(): Promise<void> {
    this.text = await saveState(this.env.host, this.env.paths.stateFile, this.state, this.text);
  }

  /** Ends the cycle: state, applied-state cache, log lines, reports, then state.json. */
  async finish(end: CycleEnd, drift: DriftEnd, startedAt: number, durations: Record<string, number>): Promise<SyncOutcome> {
    const { env } = this;
    const at = this.now();
    if (end.kind === 'applied') {
      await writeAppliedState(env.host, env.paths.appliedStateFile, end.sha, env.version, end.desired);
      await env.host.files.remove(env.paths.holdFile);
    }
    const r = endCycle(this.state, end, drift, at, durations);
    this.state = r.state;
    if (r.attempt) this.state = { ...this.state, lastAttempt: { ...r.attempt, at, durations: { ...durations, total: env.host.now() - startedAt } } };
    for (const l of r.logs) env.log.log(l.level, l.message, l.fields);
    for (const ev of r.reports) await this.report(ev);
    await this.save();
    return r.outcome;
  }
}
