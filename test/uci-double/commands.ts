// The commands of cli.c: dispatch, section commands (get/set/...), package commands
// (show/export/changes/commit), add, import and batch. Everything is in byte strings.
import type { ByteStream } from './byte-stream.ts';
import { sscanfInt, strtoulToInt } from './bytes.ts';
import type { UciContext } from './context.ts';
import { filterDelta, saveDelta } from './delta.ts';
import { uciAddList, uciAddSection, uciDelete, uciDelList, uciRename, uciReorderSection, uciSet } from './edit.ts';
import { UCI_ERR_INVAL, UCI_ERR_NOTFOUND, UciThrow } from './errors.ts';
import { fileCommit, listConfigs } from './file-backend.ts';
import { exportPackage, showChanges, showOption, showPackage, showSection, showValue } from './format.ts';
import { uciImport } from './import.ts';
import { ParseContext } from './lexer.ts';
import { expandPtr, lookupPtr, parsePtr, type UciPtr } from './ptr.ts';
import type { UciPackage, UciSection } from './tree.ts';
import { USAGE } from './usage.ts';

/** The CLI's global flags and input (cli.c keeps them in statics). */
export interface CliState {
  quiet: boolean;
  merge: boolean;
  noCommit: boolean;
  batch: boolean;
  /** @type[i] references in `show` (cleared by -X) */
  showExt: boolean;
  delimiter: string;
  input: ByteStream;
}

/** What a shell exit status of uci_cmd() means besides a library error code. */
export const EXIT_USAGE = 255;
const BATCH_EXIT = 254;
const MAX_ARGS = 4;

/** strcasecmp folds ASCII letters only. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export class Cli {
  constructor(
    private readonly ctx: UciContext,
    private readonly st: CliState,
  ) {}

  usage(): void {
    this.ctx.stderr += USAGE;
  }

  private cliPerror(): void {
    if (!this.st.quiet) this.ctx.perror('uci');
  }

  cliError(text: string): void {
    if (!this.st.quiet) this.ctx.stderr += text;
  }

  /** A public libuci call: UCI_HANDLE_ERR resets ctx.err and turns a throw into its code. */
  private call(fn: () => void): number {
    this.ctx.err = 0;
    try {
      fn();
      return 0;
    } catch (e) {
      if (!(e instanceof UciThrow)) throw e;
      this.ctx.err = e.code;
      return e.code;
    }
  }

  private notFound(): void {
    this.ctx.err = UCI_ERR_NOTFOUND;
    this.cliPerror();
  }

  private commit(p: UciPackage): void {
    fileCommit(this.ctx, p, false);
  }

  private save(p: UciPackage): void {
    saveDelta(this.ctx, p, (q) => this.commit(q));
  }

  /** uci_lookup_ptr(ctx, &ptr, tuple, true) */
  private lookup(tuple: string): UciPtr | null {
    let ptr: UciPtr | null = null;
    const ret = this.call(() => {
      ptr = parsePtr(tuple);
      lookupPtr(this.ctx, ptr);
    });
    return ret ? null : ptr;
  }

  /** uci_cmd */
  run(argv: string[]): number {
    const name = asciiLower(argv[0] ?? '');
    if (name === 'batch' && !this.st.batch) return this.batch();
    switch (name) {
      case 'get':
      case 'set':
      case 'add_list':
      case 'del_list':
      case 'del':
      case 'delete':
      case 'ren':
      case 'rename':
      case 'revert':
      case 'reorder':
        return this.sectionCmd(name, argv);
      case 'show':
      case 'export':
      case 'commit':
      case 'changes':
        return this.packageCmds(name, argv);
      case 'import':
        return this.importCmd(argv);
      case 'add':
        return this.addCmd(argv);
      case 'help':
        this.usage();
        return 0;
      default:
        return EXIT_USAGE;
    }
  }

  private sectionCmd(name: string, argv: string[]): number {
    if (argv.length !== 2) return EXIT_USAGE;
    const ptr = this.lookup(argv[1] as string);
    if (!ptr) {
      this.cliPerror();
      return 1;
    }
    const takesValue = ['set', 'del', 'delete', 'add_list', 'del_list', 'ren', 'rename', 'reorder'];
    if (ptr.value !== null && !takesValue.includes(name)) return 1;
    const ctx = this.ctx;
    let ret = 0;
    switch (name) {
      case 'get':
        if (!ptr.complete) {
          this.notFound();
          return 1;
        }
        if (ptr.o) ctx.stdout += showValue(ptr.o, false, this.st.delimiter);
        else if (ptr.s) ctx.stdout += `${ptr.s.type}\n`;
        return 0;
      case 'revert':
        this.call(() => this.revert(ptr));
        return 0;
      case 'ren':
      case 'rename':
        ret = this.call(() => uciRename(ctx, ptr, false));
        break;
      case 'set':
        ret = this.call(() => uciSet(ctx, ptr, false));
        break;
      case 'add_list':
        ret = this.call(() => uciAddList(ctx, ptr, false));
        break;
      case 'del_list':
        ret = this.call(() => uciDelList(ctx, ptr, false));
        break;
      case 'reorder': {
        const s = ptr.s;
        if (!s || ptr.value === null) {
          this.notFound();
          return 1;
        }
        const pos = strtoulToInt(ptr.value);
        ret = this.call(() => uciReorderSection(ptr.p as UciPackage, s, pos, false));
        break;
      }
      default: {
        // delete: the list index must scan as a number (a blank one slips through, as in C)
        if (ptr.value !== null && sscanfInt(ptr.value).kind === 'nomatch') return 1;
        let result = 0;
        ret = this.call(() => {
          result = uciDelete(ctx, ptr, false);
        });
        if (!ret) ret = result;
      }
    }
    if (!ret) ret = this.call(() => this.save(ptr.p as UciPackage));
    if (ret) {
      this.cliPerror();
      return 1;
    }
    return 0;
  }

  /** uci_revert: save, drop the package, filter the save file, load again. */
  private revert(ptr: UciPtr): void {
    const ctx = this.ctx;
    expandPtr(ctx, ptr, false);
    const p = ptr.p as UciPackage;
    if (!p.hasDelta) throw new UciThrow(UCI_ERR_INVAL);
    this.save(p);
    ctx.unload(p);
    filterDelta(ctx, p.name, ptr.section, ptr.option);
    ptr.p = ctx.load(p.name);
  }

  private packageCmds(name: string, argv: string[]): number {
    if (argv.length > 2) return EXIT_USAGE;
    if (argv.length === 2) return this.packageCmd(name, argv[1] as string);
    let configs: string[] = [];
    if (this.call(() => (configs = listConfigs(this.ctx)))) {
      this.cliPerror();
      return 1;
    }
    for (const config of configs) this.packageCmd(name, config);
    return 0;
  }

  private packageCmd(name: string, tuple: string): number {
    const ptr = this.lookup(tuple);
    if (!ptr) {
      this.cliPerror();
      return 1;
    }
    const ret = this.packageCmdOn(name, ptr);
    if (ptr.p) this.ctx.unload(ptr.p);
    return ret;
  }

  private packageCmdOn(name: string, ptr: UciPtr): number {
    const ctx = this.ctx;
    const p = ptr.p as UciPackage;
    switch (name) {
      case 'changes':
        ctx.stdout += showChanges(p);
        return 0;
      case 'commit':
        if (this.st.noCommit) return 0;
        if (this.call(() => (ptr.p = fileCommit(ctx, p, false)))) {
          this.cliPerror();
          return 1;
        }
        return 0;
      case 'export':
        ctx.stdout += exportPackage(p, true, ctx.exportName);
        return 0;
      default:
        if (!ptr.complete) {
          this.notFound();
          return 1;
        }
        if (ptr.o) ctx.stdout += showOption(p.name, (ptr.s as UciSection).name, ptr.o, this.st.delimiter);
        else if (ptr.s) ctx.stdout += showSection(p.name, ptr.s.name, ptr.s, this.st.delimiter);
        else ctx.stdout += showPackage(p, this.st.showExt, this.st.delimiter);
        return 0;
    }
  }

  /** uci_do_add: returns the library error code itself (3 for a missing package). */
  private addCmd(argv: string[]): number {
    if (argv.length !== 3) return EXIT_USAGE;
    const ctx = this.ctx;
    let p: UciPackage | null = null;
    let s: UciSection | null = null;
    let ret = this.call(() => (p = ctx.load(argv[1] as string)));
    if (!ret) ret = this.call(() => (s = uciAddSection(p as UciPackage, argv[2] as string, false)));
    if (!ret) ret = this.call(() => this.save(p as UciPackage));
    if (ret) this.cliPerror();
    else if (s) ctx.stdout += `${(s as UciSection).name}\n`;
    return ret;
  }

  /** uci_do_import: replace packages from the input, or merge into one as pending changes (-m). */
  private importCmd(argv: string[]): number {
    if (argv.length > 2) return EXIT_USAGE;
    const name = argv[1] ?? null;
    if (name === null && this.st.merge) return EXIT_USAGE;
    const ctx = this.ctx;
    const target: { p: UciPackage | null } = { p: null };
    let merging = false;
    if (this.st.merge) {
      if (this.call(() => (target.p = ctx.load(name as string)))) target.p = null;
      else merging = true;
    }
    let ret = this.call(() => uciImport(ctx, this.st.input, name, target, name !== null));
    if (!ret) {
      if (merging) {
        ret = this.call(() => this.save(target.p as UciPackage));
      } else {
        for (const p of [...ctx.root]) ret = this.call(() => fileCommit(ctx, p, true));
      }
    }
    if (ret) {
      this.cliPerror();
      return 1;
    }
    return 0;
  }

  /** uci_batch: commands from the input until its end or "exit"; always exits 0. */
  private batch(): number {
    this.st.batch = true;
    while (!this.st.input.eof) {
      const ret = this.batchCmd();
      if (ret === BATCH_EXIT) return 0;
      if (ret === EXIT_USAGE) this.cliError('Unknown command\n');
      this.ctx.root = [];
    }
    this.st.batch = false;
    return 0;
  }

  private batchCmd(): number {
    const argv: string[] = [];
    for (let i = 0; i <= MAX_ARGS; i++) {
      if (i === MAX_ARGS) {
        this.cliError('Too many arguments\n');
        return 1;
      }
      let arg = '';
      if (this.call(() => (arg = this.parseArgument(i === 0)))) {
        this.cliPerror();
        return 0;
      }
      if (arg === '') break;
      argv.push(arg);
    }
    if (argv.length === 0) return 0;
    if (asciiLower(argv[0] as string) === 'exit') return BATCH_EXIT;
    return this.run(argv);
  }

  /**
   * uci_parse_argument: the next word of the batch input. The parse context is shared with
   * file loading, so every command that loads a package restarts the line count.
   */
  private parseArgument(firstOfCommand: boolean): string {
    const ctx = this.ctx;
    if (ctx.pctx && ctx.pctx.file !== this.st.input) ctx.cleanup();
    if (!ctx.pctx) ctx.pctx = new ParseContext(this.st.input);
    const pctx = ctx.pctx;
    if (firstOfCommand) {
      pctx.pos = 0;
      pctx.getln(0);
    }
    return pctx.str(pctx.nextArg(false, false, false));
  }
}
