// The one interface between dlan-agent and the machine it runs on. Everything with an effect
// (processes, files, time, logs, git, HTTP) goes through it, so the pipeline stays testable and
// the same code runs under node and QuickJS. Implementations: node-host.ts (node), and the test
// double in test/support/memory-host.ts. Keep it small: add a method only when two callers need it.

export interface ExecOptions {
  /** Written to the process's stdin, then stdin is closed. */
  input?: string;
  cwd?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * Asked about every 250 ms while the program runs; when it answers true the program is killed
   * (code 124, as for the timeout). For limits only visible from outside, such as the size of
   * what a download has written so far.
   */
  abortWhen?: () => Promise<boolean>;
}

export interface ExecResult {
  /** Exit code; 124 when killed by the timeout or by `abortWhen`, 127 when the program was not found. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface FileStat {
  isDirectory: boolean;
  size: number;
  /** Permission bits, e.g. 0o600. */
  mode: number;
  mtimeMs: number;
}

export interface WriteOptions {
  mode?: number;
  volatile?: boolean;
}

export interface HostFiles {
  /** UTF-8 content, or `null` when the file does not exist. */
  read(path: string): Promise<string | null>;
  /**
   * Atomic replace: write a temp file beside it, fsync, rename, fsync the folder. Creates parent
   * folders. `volatile`: a file in RAM (/var/run on OpenWrt) that a power cut may lose anyway is
   * still replaced atomically, but not forced to disk (QuickJS would run `sync` for each write).
   */
  write(path: string, content: string, opts?: WriteOptions): Promise<void>;
  /** Names (not paths) of the entries of a folder, sorted; `null` when it does not exist. */
  list(dir: string): Promise<string[] | null>;
  stat(path: string): Promise<FileStat | null>;
  /** Removes a file; no error when it is absent. */
  remove(path: string): Promise<void>;
  mkdirp(path: string, mode?: number): Promise<void>;
  /**
   * Creates the symlink `path` pointing at `target` (atomic, never follows `path`): `false` when
   * something (anything) is at `path` already; throws on every other failure (read-only, no folder).
   * The sync lock and the rollback claim are such links: creation is the exclusive step.
   */
  symlink(target: string, path: string): Promise<boolean>;
  /** The target of the symlink `path`; `null` when nothing is there; throws when `path` is not a symlink. */
  readlink(path: string): Promise<string | null>;
  /**
   * Bytes still free (for an unprivileged writer) on the file system holding `path`: statfs under
   * node, `df -kP` under QuickJS (whole KB). `null` when `path` does not exist or the host cannot
   * tell. An apply asks before it writes, so a full flash is a clear refusal, not a half apply.
   */
  freeBytes(path: string): Promise<number | null>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface HostLog {
  /** One line per event; `fields` are appended as key=value. Never pass secrets. */
  log(level: LogLevel, message: string, fields?: Record<string, string | number | boolean>): void;
}

export interface Host {
  /** Runs a program with an argument list: never through a shell. */
  exec(program: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  files: HostFiles;
  env(name: string): string | undefined;
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
  log: HostLog;
}
