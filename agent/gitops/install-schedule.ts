// How `init` makes the agent run regularly. cron mode: one line in root's crontab
// (`/etc/crontabs/root` on OpenWrt, `/etc/cron.d/dlan-agent` on Debian) calling `dlan-agent sync
// --jitter`; daemon mode: the procd/systemd service running `dlan-agent run`. The cron line is
// built from the validated interval only. Service commands run only when root is `/`.
import type { Host } from '../host/host.ts';
import type { AgentPaths } from './agent-paths.ts';
import * as DLAN_PATHS from '../base/dlan-paths.ts';
import { underRoot } from '../base/dlan-paths.ts';
import { setUciOptions } from '../settings/uci-file-edit.ts';
import { crontabScheduleFor } from './schedule.ts';

export type ScheduleMode = 'cron' | 'daemon' | 'none';

/** Where the cron line calls the agent: the package's wrapper on OpenWrt; on Debian the path
 * `dlan-agent.service` runs (a program installed by hand belongs in /usr/local/bin). */
export const AGENT_BIN = { openwrt: '/usr/bin/dlan-agent', linux: '/usr/local/bin/dlan-agent' } as const;
/** Lines of an earlier init are recognised by either path (Debian lines once called /usr/bin). */
const CRON_MARKS = [`${AGENT_BIN.openwrt} sync`, `${AGENT_BIN.linux} sync`];

export interface ScheduleResult {
  /** Files written. */
  wrote: string[];
  /** Commands run (or, below a --root folder, to run by hand). */
  commands: string[][];
  ran: boolean;
}

function withoutAgentLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !CRON_MARKS.some((m) => l.includes(m)) && l !== '# dlan-agent: GitOps sync (managed by dlan-agent init)');
}

export async function installSchedule(host: Host, paths: AgentPaths, openwrt: boolean, mode: ScheduleMode, interval: number): Promise<ScheduleResult> {
  const live = paths.root === '/' || paths.root === '';
  const wrote: string[] = [];
  const commands: string[][] = [];
  const crontab = openwrt ? paths.crontab : paths.cronD;
  const current = (await host.files.read(crontab)) ?? '';
  const kept = withoutAgentLines(current);
  if (mode === 'cron') {
    const when = crontabScheduleFor(interval);
    if (when === null) throw new Error(`interval ${interval}s cannot be a crontab schedule: use minutes dividing an hour (60, 300, 900…) or hours dividing a day`);
    const user = openwrt ? '' : 'root ';
    const line = `${when} ${user}${openwrt ? AGENT_BIN.openwrt : AGENT_BIN.linux} sync --jitter >/dev/null 2>&1`;
    const text = `${[...kept, '# dlan-agent: GitOps sync (managed by dlan-agent init)', line].join('\n')}\n`;
    if (text !== current) {
      await host.files.write(crontab, text, { mode: openwrt ? 0o600 : 0o644 });
      wrote.push(crontab);
    }
    if (openwrt) commands.push(['/etc/init.d/dlan-agent', 'disable'], ['/etc/init.d/dlan-agent', 'stop'], ['/etc/init.d/cron', 'enable'], ['/etc/init.d/cron', 'restart']);
    else commands.push(['systemctl', 'disable', '--now', 'dlan-agent.service']);
  } else {
    const text = kept.length ? `${kept.join('\n')}\n` : '';
    if (text !== current) {
      if (text === '' && !openwrt) await host.files.remove(crontab);
      else await host.files.write(crontab, text, { mode: openwrt ? 0o600 : 0o644 });
      wrote.push(crontab);
    }
    if (mode === 'daemon') {
      if (openwrt) commands.push(['/etc/init.d/dlan-agent', 'enable'], ['/etc/init.d/dlan-agent', 'restart']);
      else commands.push(['systemctl', 'enable', '--now', 'dlan-agent.service']);
    }
  }
  if (live) {
    for (const argv of commands) {
      const r = await host.exec(argv[0]!, argv.slice(1), { timeoutMs: 30_000 });
      const bestEffort = argv.includes('disable') || argv.includes('stop');
      if (r.code !== 0 && !bestEffort) {
        throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
      }
    }
  }
  return { wrote, commands, ran: live };
}

/**
 * What `uninstall` does to the schedule: the cron line goes, the service is stopped and disabled,
 * and on OpenWrt the package's settings say `option enabled '0'` (the init script, run again at
 * boot or by an upgrade, would otherwise write the cron line back). A schedule left behind would
 * rebuild the whole mesh on its next run.
 */
export async function removeSchedule(host: Host, paths: AgentPaths, openwrt: boolean): Promise<ScheduleResult> {
  const removed = await installSchedule(host, paths, openwrt, 'none', 300);
  const commands = openwrt ? [['/etc/init.d/dlan-agent', 'stop'], ['/etc/init.d/dlan-agent', 'disable']] : [['systemctl', 'disable', '--now', 'dlan-agent.service']];
  const settings = underRoot(paths.root, DLAN_PATHS.settingsUci);
  const text = openwrt ? await host.files.read(settings) : null;
  if (text !== null) {
    const edited = setUciOptions(text, 'service', 'service', { enabled: '0' }, false) ?? `${text.replace(/\n*$/, '\n')}\nconfig service 'service'\n\toption enabled '0'\n`;
    if (edited !== text) {
      await host.files.write(settings, edited, { mode: 0o600 });
      removed.wrote.push(settings);
    }
  }
  if (removed.ran) for (const argv of commands) await host.exec(argv[0]!, argv.slice(1), { timeoutMs: 30_000 }); // best effort: absent when never installed
  return { ...removed, commands };
}
