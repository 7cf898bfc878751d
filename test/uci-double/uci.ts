// A faithful test double of OpenWrt's `uci` command line tool (openwrt/uci at 66127cd), working
// on real files: the config dir, the save (delta) dir and any -p/-P/-f paths. It replays the
// recorded conformance corpus in /work/shared/uci-conformance exactly.
//
// `io.confdir` and `io.savedir` play the part of the compiled-in defaults (/etc/config and
// /tmp/.uci): the args may still override them with -c/-t/-P, exactly like the real binary.
// Differences from the real binary, all deliberate:
//   - no implicit /var/run/uci override dir (only with -C), and the default save dir is the
//     only implicit delta dir (the real one always also reads /tmp/.uci);
//   - options end at the first non-option argument (musl getopt, as on OpenWrt);
//   - no file locking; NUL bytes in input are not handled like C strings;
//   - `-f` on a directory reads nothing instead of spinning forever.
import { ByteStream } from './byte-stream.ts';
import { bytesToUtf8, utf8ToBytes } from './bytes.ts';
import { Cli, EXIT_USAGE, type CliState } from './commands.ts';
import { UciContext } from './context.ts';
import { fileLoad } from './file-backend.ts';
import { Files } from './files.ts';
import { getopt } from './getopt.ts';

export interface UciIo {
  /** default config dir (uci's /etc/config) */
  confdir: string;
  /** default save dir for delta files (uci's /tmp/.uci) */
  savedir: string;
  /** standard input (batch, import); empty when absent */
  stdin?: string;
  /** working directory for relative paths; defaults to process.cwd() */
  cwd?: string;
}

export interface UciResult {
  exit: number;
  stdout: string;
  stderr: string;
}

const OPTSTRING = 'c:C:d:f:LmnNp:P:qsSt:X';
const PROG = 'uci';

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
};

/** Like runUci, but with byte-string arguments and byte-string output (the CLI entry uses it). */
export function runUciBytes(args: string[], io: { confdir: string; savedir: string; stdin: () => string; cwd: string }): UciResult {
  const files = new Files(io.cwd);
  const ctx = new UciContext(files, io.confdir, io.savedir);
  ctx.load = (name) => fileLoad(ctx, name);
  const st: CliState = { quiet: false, merge: false, noCommit: false, batch: false, showExt: true, delimiter: ' ', input: new ByteStream(io.stdin) };
  const cli = new Cli(ctx, st);
  const done = (exit: number): UciResult => ({ exit: exit & 0xff, stdout: ctx.stdout, stderr: ctx.stderr });

  const { events, rest } = getopt(args, OPTSTRING, PROG);
  let inputFromFile = false;
  for (const ev of events) {
    if (ev.kind === 'error') {
      ctx.stderr += ev.message;
      cli.usage();
      return done(0);
    }
    const arg = ev.arg ?? '';
    switch (ev.letter) {
      case 'c':
        ctx.confdir = arg;
        break;
      case 'C':
        ctx.conf2dir = arg;
        break;
      case 'd':
        st.delimiter = arg;
        break;
      case 'f': {
        if (inputFromFile) {
          cli.cliError('Too many input files.\n');
          return done(1);
        }
        const opened = openInput(files, arg);
        if (typeof opened === 'string') {
          cli.cliError(`uci: ${opened}`);
          return done(1);
        }
        st.input = opened;
        inputFromFile = true;
        break;
      }
      case 'm':
        st.merge = true;
        break;
      case 's':
        ctx.strict = true;
        break;
      case 'S':
        ctx.strict = false;
        ctx.perrorWhileParsing = true;
        break;
      case 'n':
        ctx.exportName = true;
        break;
      case 'N':
        ctx.exportName = false;
        break;
      case 'p':
        try {
          ctx.addDeltaPath(arg);
        } catch {
          // uci ignores the result (a duplicate dir is simply not added twice)
        }
        break;
      case 'P':
        ctx.setSavedir(arg);
        st.noCommit = true;
        break;
      case 'q':
        st.quiet = true;
        break;
      case 't':
        ctx.setSavedir(arg);
        break;
      case 'X':
        st.showExt = false;
        break;
      default:
        // 'L' is in uci's option string but has no handler
        cli.usage();
        return done(0);
    }
  }
  if (rest.length === 0) {
    cli.usage();
    return done(0);
  }
  const ret = cli.run(rest);
  if (ret === EXIT_USAGE) cli.usage();
  return done(ret);
}

/** fopen(path, "r"): a stream, or the strerror text. */
function openInput(files: Files, path: string): ByteStream | string {
  if (files.isDirectory(path)) return new ByteStream('');
  try {
    const bytes = files.readOrThrow(path);
    return new ByteStream(bytes);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    return ERRNO_TEXT[code] ?? 'Input/output error';
  }
}

/**
 * Runs `uci <args>` against real files. Strings are UTF-8; output is decoded as UTF-8.
 */
export function runUci(args: string[], io: UciIo): UciResult {
  const stdin = io.stdin ?? '';
  const result = runUciBytes(
    args.map(utf8ToBytes),
    { confdir: utf8ToBytes(io.confdir), savedir: utf8ToBytes(io.savedir), stdin: () => utf8ToBytes(stdin), cwd: io.cwd ?? process.cwd() },
  );
  return { exit: result.exit, stdout: bytesToUtf8(result.stdout), stderr: bytesToUtf8(result.stderr) };
}
