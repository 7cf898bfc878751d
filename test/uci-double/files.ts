// The file effects of libuci (open/stat/glob/rename), on real files, in byte strings.
// Relative paths are resolved against the double's working directory, like a process's cwd.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesToUtf8, utf8ToBytes } from './bytes.ts';

export class Files {
  constructor(private readonly cwd: string) {}

  /** `p` is a byte string (as uci sees it); the result is a path for node:fs. */
  resolve(p: string): string {
    return path.resolve(this.cwd, bytesToUtf8(p));
  }

  isRegularFile(p: string): boolean {
    try {
      return fs.statSync(this.resolve(p)).isFile();
    } catch {
      return false;
    }
  }

  isDirectory(p: string): boolean {
    try {
      return fs.statSync(this.resolve(p)).isDirectory();
    } catch {
      return false;
    }
  }

  exists(p: string): boolean {
    try {
      fs.statSync(this.resolve(p));
      return true;
    } catch {
      return false;
    }
  }

  mode(p: string): number | null {
    try {
      return fs.statSync(this.resolve(p)).mode & 0o7777;
    } catch {
      return null;
    }
  }

  /** The whole file as a byte string, or null when it cannot be opened for reading. */
  read(p: string): string | null {
    try {
      return fs.readFileSync(this.resolve(p)).toString('latin1');
    } catch {
      return null;
    }
  }

  /** Read a whole file; throws the node error (with its errno code) on failure. */
  readOrThrow(p: string): string {
    return fs.readFileSync(this.resolve(p)).toString('latin1');
  }

  /** open(O_RDWR|O_CREAT) semantics: create an empty file with `mode` if missing. */
  ensureFile(p: string, mode: number): boolean {
    try {
      fs.closeSync(fs.openSync(this.resolve(p), fs.constants.O_RDWR | fs.constants.O_CREAT, mode));
      return true;
    } catch {
      return false;
    }
  }

  /** open(O_RDWR) without O_CREAT: does a writable file exist? */
  canOpenForWrite(p: string): boolean {
    try {
      fs.closeSync(fs.openSync(this.resolve(p), fs.constants.O_RDWR));
      return true;
    } catch {
      return false;
    }
  }

  append(p: string, bytes: string, mode: number): boolean {
    try {
      fs.appendFileSync(this.resolve(p), Buffer.from(bytes, 'latin1'), { mode });
      return true;
    } catch {
      return false;
    }
  }

  /** Truncate and rewrite an existing file in place (what ftruncate + fprintf do). */
  rewrite(p: string, bytes: string): boolean {
    try {
      fs.writeFileSync(this.resolve(p), Buffer.from(bytes, 'latin1'), { flag: 'r+' });
      fs.truncateSync(this.resolve(p), Buffer.byteLength(bytes, 'latin1'));
      return true;
    } catch {
      return false;
    }
  }

  truncate(p: string): boolean {
    try {
      fs.truncateSync(this.resolve(p), 0);
      return true;
    } catch {
      return false;
    }
  }

  mkdir(p: string, mode: number): void {
    try {
      fs.mkdirSync(this.resolve(p), { mode });
    } catch {
      // like mkdir(2) with the result ignored: a later open reports the failure
    }
  }

  /**
   * The commit's atomic replace: write `<dir>/.<name>.uci-XXXXXX`, give it the mode of the
   * target (after following symlinks) and rename it over the target.
   */
  replaceAtomically(target: string, tempDir: string, pkgName: string, bytes: string): boolean {
    const suffix = Math.random().toString(36).slice(2, 8).padEnd(6, 'x');
    const temp = path.join(this.resolve(tempDir), bytesToUtf8(`.${pkgName}.uci-${suffix}`));
    try {
      fs.writeFileSync(temp, Buffer.from(bytes, 'latin1'), { mode: 0o600 });
      const real = fs.realpathSync(this.resolve(target));
      fs.chmodSync(temp, fs.statSync(real).mode & 0o7777);
      fs.renameSync(temp, real);
      return true;
    } catch {
      try {
        fs.unlinkSync(temp);
      } catch {
        // nothing to clean up
      }
      return false;
    }
  }

  /** glob("<dir>/*"): names sorted in byte order (LC_ALL=C), dotfiles excluded; null on no match. */
  globNames(dir: string): { name: string; isDir: boolean }[] | null {
    const full = this.resolve(dir);
    let entries: string[];
    try {
      entries = fs.readdirSync(full);
    } catch {
      return null;
    }
    const isDir = (name: string): boolean => {
      try {
        return fs.statSync(path.join(full, name)).isDirectory();
      } catch {
        return false;
      }
    };
    const names = entries
      .filter((name) => !name.startsWith('.'))
      .map((name) => ({ name: utf8ToBytes(name), isDir: isDir(name) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return names.length ? names : null;
  }
}
