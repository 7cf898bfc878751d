// `dlan-agent init`: make this router a dlan GitOps router: its WireGuard key (kept if present),
// the agent settings, the schedule; then print the public_key/age_recipient snippet for the config repo.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import { statePaths } from '../../backend/openwrt/openwrt-paths.ts';
import { ensureRouterKey } from '../../backend/common/router-key.ts';
import { detectBackend } from '../../backend/select-backend.ts';
import { agentPaths } from '../../gitops/agent-paths.ts';
import { installSchedule, type ScheduleMode } from '../../gitops/install-schedule.ts';
import { ROOT_FLAG_HELP } from '../open-env.ts';
import { cronExpressionFor } from '../../gitops/schedule.ts';
import { ensureRouterAgeIdentity } from '../../secrets/router-identity.ts';
import { parseSettings, type RawSettings } from '../../settings/agent-settings.ts';
import { readRawSettings, readServiceMode, writeRawSettings, type SettingsLocation } from '../../settings/settings-file.ts';
import type { Command } from '../cli-context.ts';
import { parseArgs, stringFlag, UsageError } from '../parse-args.ts';

const FLAG_TO_KEY: Record<string, string> = {
  repo: 'repo',
  router: 'router',
  branch: 'branch',
  path: 'path',
  interval: 'interval',
  verify: 'verify',
  'confirm-timeout': 'confirm_timeout',
  'allow-rewind': 'allow_rewind',
  'max-repo-mb': 'max_repo_mb',
  report: 'report',
  'report-url': 'report_url',
  'report-repo': 'report_repo',
  'webhook-url': 'webhook_url',
  'bird-socket': 'bird_socket',
};

export const initCommand: Command = {
  name: 'init',
  summary: 'set this router up for GitOps: key, agent settings, schedule; prints the public_key and age_recipient to commit',
  usage: `Usage: dlan-agent init --repo URL --router NAME [--branch B] [--path P] [--interval S]
                      [--verify none|ssh|gpg --allowed-signer KEY...] [--confirm-timeout S]
                      [--allow-rewind true|false] [--max-repo-mb MB]
                      [--report gitea|github|gitlab --report-url URL [--report-repo OWNER/NAME]
                       --report-token-file FILE] [--webhook-url URL [--webhook-token-file FILE]]
                      [--schedule cron|daemon|none] [--root DIR]

Creates the router's WireGuard key and age identity (DIR/etc/dlan/, mode 0600) unless they
exist, writes the agent settings (flags not given keep their value), sets up the schedule and
prints the \`public_key:\` / \`age_recipient:\` snippet to commit. See docs/gitops.md.

  --repo URL              git URL of the config repo (git:// and http://: use verify)
  --router NAME           this router's name in the config
  --branch B              branch to follow (main)
  --path P                file or folder in the repo (dlan.yaml)
  --interval S            seconds between checks (300); cron mode needs whole minutes dividing an hour
  --verify MODE           none, ssh or gpg: apply only commits signed by an allowed key
  --allowed-signer KEY    (repeatable) an ssh allowed-signers line / public key, or a gpg fingerprint
  --confirm-timeout S     seconds a change has to prove the router is reachable (60)
  --allow-rewind B        true: follow older or rewritten heads too (false)
  --max-repo-mb MB        fetch size bound (16)
  --report FORGE          post commit statuses to gitea, github or gitlab (context dlan/NAME)
  --report-url URL        the forge's API base URL
  --report-repo O/N       the repo on the forge (default: from --repo)
  --report-token-file F   read the forge token from file F (tokens never go on the command line)
  --webhook-url URL       also POST a JSON event per failure, rollback, drift
  --webhook-token-file F  bearer token for the webhook, read from file F
  --schedule MODE         cron (default): a crontab line running \`dlan-agent sync --jitter\`;
                          daemon: enable the dlan-agent service (\`dlan-agent run\`); none.
                          Not given on OpenWrt: the mode the settings file has (option mode) stays
${ROOT_FLAG_HELP}`,
  async run(argv, ctx) {
    const spec = Object.fromEntries(Object.keys(FLAG_TO_KEY).map((f) => [f, { type: 'string' as const }]));
    const args = parseArgs(argv, {
      ...spec,
      'allowed-signer': { type: 'string', multiple: true },
      'report-token-file': { type: 'string' },
      'webhook-token-file': { type: 'string' },
      schedule: { type: 'string' },
      root: { type: 'string' },
    });
    if (args.positionals.length) throw new UsageError('init takes no arguments');
    const toldSchedule = stringFlag(args, 'schedule');
    if (toldSchedule !== undefined && !['cron', 'daemon', 'none'].includes(toldSchedule)) throw new UsageError('--schedule is cron, daemon or none');
    const root = stringFlag(args, 'root') ?? '/';
    const host = ctx.host;
    const openwrt = (await detectBackend(host, root)) === 'openwrt';
    const location: SettingsLocation = openwrt
      ? { format: 'uci', path: underRoot(root, DLAN_PATHS.settingsUci) }
      : { format: 'yaml', path: underRoot(root, DLAN_PATHS.settingsYaml) };
    try {
      // Without --schedule, the mode the router has chosen (the package's `option mode`) stays.
      const schedule = (toldSchedule ?? (await readServiceMode(host, location)) ?? 'cron') as ScheduleMode;
      const raw: RawSettings = (await readRawSettings(host, location)) ?? {};
      for (const [flag, key] of Object.entries(FLAG_TO_KEY)) {
        const v = stringFlag(args, flag);
        if (v !== undefined) raw[key] = v;
      }
      const signers = args.flags['allowed-signer'];
      if (Array.isArray(signers)) raw.allowed_signers = signers;
      for (const [flag, key] of [['report-token-file', 'report_token'], ['webhook-token-file', 'webhook_token']] as const) {
        const file = stringFlag(args, flag);
        if (file === undefined) continue;
        const token = (await host.files.read(file))?.trim();
        if (!token) throw new Error(`${file}: no token in it`);
        raw[key] = token;
      }
      const parsed = parseSettings(raw, null);
      if (!parsed.ok) {
        for (const e of parsed.errors) ctx.stderr(`dlan-agent init: ${e}\n`);
        return 1;
      }
      const s = parsed.settings;
      if (schedule === 'daemon' && cronExpressionFor(s.interval) === null) throw new Error(`interval ${s.interval}s cannot be a cron schedule: use a divisor of 60 s, whole minutes dividing an hour, or hours dividing a day`);
      const key = await ensureRouterKey(host, statePaths(root));
      // The age identity link secrets are sealed to (SECURITY.md, sealed secrets); kept if present.
      const age = await ensureRouterAgeIdentity(host, root);
      await writeRawSettings(host, location, raw, openwrt ? schedule : undefined);
      const sched = await installSchedule(host, agentPaths(root), openwrt, schedule, s.interval);
      ctx.stderr(`dlan-agent init: ${key.created ? 'created' : 'kept the existing'} WireGuard key ${underRoot(root, DLAN_PATHS.wireguardKey)}\n`);
      ctx.stderr(`dlan-agent init: ${age.created ? 'created' : 'kept the existing'} age identity ${age.path}\n`);
      ctx.stderr(`dlan-agent init: settings in ${location.path}\n`);
      for (const f of sched.wrote) ctx.stderr(`dlan-agent init: schedule in ${f}\n`);
      if (!sched.ran && sched.commands.length) ctx.stderr(`dlan-agent init: on the router, run: ${sched.commands.map((c) => c.join(' ')).join('; ')}\n`);
      ctx.stdout(`# Add to the config repo (dlan.yaml, or routers/${s.router}.yaml), commit and push:\nrouters:\n  ${s.router}:\n    public_key: ${key.publicKey}\n    age_recipient: ${age.recipient}\n`);
      return 0;
    } catch (e) {
      ctx.stderr(`dlan-agent init: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  },
};
