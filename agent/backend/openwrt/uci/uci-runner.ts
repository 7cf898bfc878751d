// Runs the `uci` program (or whatever DLAN_UCI names) on one config tree with a private save
// directory, so dlan-agent's staged changes never mix with a user's pending changes in /tmp/.uci.
import type { ExecResult, Host } from '../../../host/host.ts';
import { parseUciExport, parseUciText } from '../../../base/parse-uci-text.ts';
import type { UciPackage } from './uci-model.ts';

export class UciCommandError extends Error {
  constructor(message: string, readonly result: ExecResult) {
    super(message);
    this.name = 'UciCommandError';
  }
}

export interface UciRunner {
  /** The package as uci reads it (file + staged changes), or `null` when it has no file. */
  export(pkg: string): Promise<UciPackage | null>;
  /**
   * Several packages with one `uci export` of all (one program run instead of one each: the
   * plan of every sync reads all of dlan's packages); when uci refuses that or skips a package it
   * cannot parse (it says so on stderr and still exits 0), each is exported alone, so a broken file
   * of ours is an error naming it and one of another package's is no concern.
   */
  exportAll(pkgs: readonly string[]): Promise<Map<string, UciPackage | null>>;
  /** Feeds commands to `uci batch`; returns what uci printed (batch exits 0 even on errors). */
  batch(commands: string[]): Promise<ExecResult>;
  commit(pkg: string): Promise<void>;
  /** Drops dlan-agent's staged changes for a package (removes its delta file). */
  discard(pkg: string): Promise<void>;
}

/**
 * `DLAN_UCI` may be a program path or a program with fixed leading arguments separated by spaces
 * (e.g. `node /opt/uci-double.js`); it is split on whitespace, never run through a shell.
 */
export function uciCommandFromEnv(host: Host): string[] {
  const raw = host.env('DLAN_UCI')?.trim();
  return raw ? raw.split(/\s+/) : ['uci'];
}

export function createUciRunner(host: Host, opts: { command: string[]; confdir: string; savedir: string }): UciRunner {
  const [program, ...fixed] = opts.command;
  const base = [...fixed, '-c', opts.confdir, '-t', opts.savedir];
  const run = (args: string[], input?: string) => host.exec(program!, [...base, ...args], input === undefined ? {} : { input });
  return {
    async export(pkg) {
      const r = await run(['export', pkg]);
      if (r.code === 127) throw new UciCommandError(`cannot run ${program}: ${r.stderr.trim()} (set DLAN_UCI to the uci program)`, r);
      if (r.code !== 0) {
        if (/Entry not found/.test(r.stderr)) return null;
        throw new UciCommandError(`uci export ${pkg} failed (exit ${r.code}): ${r.stderr.trim()}`, r);
      }
      return parseUciText(r.stdout, pkg);
    },
    async exportAll(pkgs) {
      const r = await run(['export']);
      const all = r.code === 0 && r.stderr.trim() === '' ? parseUciExport(r.stdout) : null;
      const out = new Map<string, UciPackage | null>();
      for (const pkg of pkgs) out.set(pkg, all ? (all.get(pkg) ?? null) : await this.export(pkg));
      return out;
    },
    async batch(commands) {
      await host.files.mkdirp(opts.savedir, 0o700);
      const r = await run(['batch'], `${commands.join('\n')}\n`);
      if (r.code !== 0) throw new UciCommandError(`uci batch failed (exit ${r.code}): ${r.stderr.trim()}`, r);
      return r;
    },
    async commit(pkg) {
      const r = await run(['commit', pkg]);
      if (r.code !== 0 || r.stderr.trim() !== '') throw new UciCommandError(`uci commit ${pkg} failed (exit ${r.code}): ${r.stderr.trim()}`, r);
    },
    async discard(pkg) {
      await host.files.remove(`${opts.savedir}/${pkg}`);
    },
  };
}
