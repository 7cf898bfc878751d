// uci_context plus the process state the CLI keeps in globals (flags, output, error buffer).
import { UCI_ERR_DUPLICATE, UCI_ERR_PARSE, UCI_ERR_UNKNOWN, UCI_ERRSTR, UciThrow } from './errors.ts';
import type { Files } from './files.ts';
import type { ParseContext } from './lexer.ts';
import type { UciPackage } from './tree.ts';

export class UciContext {
  confdir: string;
  savedir: string;
  /** override config dir (-C); null: not used (the real binary defaults to /var/run/uci) */
  conf2dir: string | null = null;
  /** directories whose delta files are replayed on load, in order; the save dir is always last */
  deltaPaths: string[];
  strict = true;
  /** -S: print parse errors while parsing and carry on */
  perrorWhileParsing = false;
  /** -n: write cfg names of anonymous sections on export/commit */
  exportName = false;
  /** loaded packages (ctx->root) */
  root: UciPackage[] = [];
  /** the single parse context slot; its presence decides whether parse errors show details */
  pctx: ParseContext | null = null;
  /** ctx->err: the error of the last library call */
  err = 0;
  /**
   * libuci's `static char error_info[128]`. It is never cleared, so every printed error appends
   * another "\n" to it unless a parse error overwrote it: a second error in one process ends
   * with "\n\n" (visible in batch mode).
   */
  private errorInfo = '';
  stdout = '';
  stderr = '';
  /** uci_load (the file backend), wired in by the entry point to keep the modules acyclic */
  load: (name: string) => UciPackage = () => {
    throw new Error('uci double: no loader installed');
  };

  constructor(
    readonly files: Files,
    confdir: string,
    savedir: string,
  ) {
    this.confdir = confdir;
    this.savedir = savedir;
    this.deltaPaths = [savedir];
  }

  /** uci_add_delta_path: inserted before the save dir; a duplicate is refused. */
  addDeltaPath(dir: string): void {
    if (this.deltaPaths.includes(dir)) throw new UciThrow(UCI_ERR_DUPLICATE);
    this.deltaPaths.splice(this.deltaPaths.length - 1, 0, dir);
  }

  /** uci_set_savedir: the directory moves (or is added) to the end of the delta path. */
  setSavedir(dir: string): void {
    const i = this.deltaPaths.indexOf(dir);
    if (i >= 0) this.deltaPaths.splice(i, 1);
    this.deltaPaths.push(dir);
    this.savedir = dir;
  }

  /** uci_cleanup: drop the parse context. */
  cleanup(): void {
    this.pctx = null;
  }

  findPackage(name: string): UciPackage | null {
    return this.root.find((p) => p.name === name) ?? null;
  }

  unload(p: UciPackage): void {
    const i = this.root.indexOf(p);
    if (i >= 0) this.root.splice(i, 1);
  }

  /** uci_perror(ctx, prefix) */
  perror(prefix: string | null): void {
    let err = this.err;
    if (err < 0 || err > UCI_ERR_UNKNOWN) err = UCI_ERR_UNKNOWN;
    const pctx = this.pctx;
    if (pctx && err === UCI_ERR_PARSE) {
      // snprintf(error_info, sizeof(error_info) - 1, ...) keeps at most 126 bytes
      this.errorInfo = ` (${pctx.reason ?? 'unknown'}) at line ${pctx.line}, byte ${pctx.byte}`.slice(0, 126);
    }
    this.errorInfo += '\n';
    this.stderr += `${prefix !== null ? `${prefix}: ` : ''}${UCI_ERRSTR[err]}${this.errorInfo}`;
  }
}
