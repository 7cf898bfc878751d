// The tokenizer of file.c, kept byte for byte: it works in place on a line buffer (quotes and
// escapes are removed by copying bytes backwards and writing NUL terminators), reads more lines
// when a quote or a trailing backslash continues, and reports errors as "line N, byte M" where
// M is the read position in the (possibly multi-line) buffer.
import type { ByteStream } from './byte-stream.ts';
import { isSpace } from './bytes.ts';
import { UCI_ERR_PARSE, UciThrow } from './errors.ts';
import { validateStr } from './names.ts';
import type { UciPackage, UciSection } from './tree.ts';

const NUL = 0;
const BACKSLASH = 92;
const DQUOTE = 34;
const SQUOTE = 39;
const HASH = 35;
const SEMICOLON = 59;
const LF = 10;
const CR = 13;

export class ParseContext {
  private buf = new Uint8Array(64);
  /** bytes read into the buffer so far (buf_filled) */
  filled = 0;
  pos = 0;
  line = 0;
  byte = 0;
  reason: string | null = null;
  // state of the config parser (uci_parse_context's private part)
  package: UciPackage | null = null;
  section: UciSection | null = null;
  merge = false;
  name: string | null = null;

  constructor(readonly file: ByteStream) {}

  ch(i: number): number {
    return i < this.buf.length ? (this.buf[i] as number) : NUL;
  }

  set(i: number, c: number): void {
    this.ensure(i + 1);
    this.buf[i] = c;
  }

  private ensure(size: number): void {
    if (size <= this.buf.length) return;
    let n = this.buf.length;
    while (n < size) n *= 2;
    const bigger = new Uint8Array(n);
    bigger.set(this.buf);
    this.buf = bigger;
  }

  /** The NUL-terminated string starting at `i`, as a byte string. */
  str(i: number): string {
    let out = '';
    for (let j = i; this.ch(j) !== NUL; j++) out += String.fromCharCode(this.ch(j));
    return out;
  }

  /** uci_getln: read one more line into the buffer at `offset`. */
  getln(offset: number): void {
    this.set(offset, NUL);
    const line = this.file.readLine();
    if (line === null || line.length === 0) return;
    this.ensure(offset + line.length + 1);
    for (let k = 0; k < line.length; k++) this.buf[offset + k] = line.charCodeAt(k) & 0xff;
    const end = offset + line.length;
    this.buf[end] = NUL;
    this.filled = end;
    if (line.endsWith('\n')) this.line++;
  }

  /** uci_parse_error */
  error(reason: string): never {
    this.reason = reason;
    this.byte = this.pos;
    throw new UciThrow(UCI_ERR_PARSE);
  }

  /** true: the escaped byte is taken literally; false: a line continuation was read instead */
  private parseBackslash(): boolean {
    this.pos += 1;
    const c = this.ch(this.pos);
    if (c === NUL || c === LF || (c === CR && this.ch(this.pos + 1) === LF && this.ch(this.pos + 2) === NUL)) {
      this.getln(this.pos);
      return false;
    }
    return true;
  }

  skipWhitespace(): void {
    while (this.ch(this.pos) !== NUL && isSpace(this.ch(this.pos))) this.pos += 1;
  }

  private addc(target: { at: number }): void {
    this.set(target.at, this.ch(this.pos));
    target.at += 1;
    this.pos += 1;
  }

  private parseDoubleQuote(target: { at: number }): void {
    this.pos += 1;
    for (;;) {
      const c = this.ch(this.pos);
      if (c === DQUOTE) {
        this.pos += 1;
        return;
      }
      if (c === NUL) {
        this.getln(this.pos);
        if (this.ch(this.pos) === NUL) this.error('EOF with unterminated "');
        continue;
      }
      if (c === BACKSLASH && !this.parseBackslash()) continue;
      this.addc(target);
    }
  }

  private parseSingleQuote(target: { at: number }): void {
    this.pos += 1;
    for (;;) {
      const c = this.ch(this.pos);
      if (c === SQUOTE) {
        this.pos += 1;
        return;
      }
      if (c === NUL) {
        this.getln(this.pos);
        if (this.ch(this.pos) === NUL) this.error("EOF with unterminated '");
        continue;
      }
      this.addc(target);
    }
  }

  /** parse_str: one word, any mix of quoted and unquoted pieces, terminated in place. */
  private parseStr(target: { at: number }): void {
    let next = true;
    scan: do {
      switch (this.ch(this.pos)) {
        case SQUOTE:
          this.parseSingleQuote(target);
          break;
        case DQUOTE:
          this.parseDoubleQuote(target);
          break;
        case HASH:
          this.set(this.pos, NUL);
          break scan;
        case NUL:
          break scan;
        case SEMICOLON:
          next = false;
          break scan;
        case BACKSLASH:
          if (!this.parseBackslash()) continue;
          this.addc(target);
          break;
        default:
          this.addc(target);
          break;
      }
    } while (this.ch(this.pos) !== NUL && !isSpace(this.ch(this.pos)));
    if (this.ch(this.pos) !== NUL && next) this.pos += 1;
    // the terminator may land on the ';' itself (unquoted word), which then ends the line
    this.set(target.at, NUL);
  }

  /** next_arg: returns the buffer offset of the argument ("" when the line/command ended). */
  nextArg(required: boolean, name: boolean, pkg: boolean): number {
    this.skipWhitespace();
    const val = this.pos;
    if (this.ch(this.pos) === SEMICOLON) {
      this.set(this.pos, NUL);
      this.pos += 1;
    } else {
      this.parseStr({ at: val });
    }
    if (this.ch(val) === NUL) {
      if (required) this.error('insufficient arguments');
      return val;
    }
    if (name && !validateStr(this.str(val), name, pkg)) this.error('invalid character in name field');
    return val;
  }

  /** assert_eol: anything left on the line is an error in strict mode. */
  assertEol(strict: boolean): void {
    this.skipWhitespace();
    const rest = this.nextArg(false, false, false);
    if (this.ch(rest) !== NUL && strict) this.error('too many arguments');
  }

  /**
   * The keyword of a line as strtok(cur, " \t") finds it. Returns null when only blanks remain;
   * `consumed` is what uci_increase_pos is asked to skip (from pos up to and past the NUL).
   */
  keyword(): { word: string; consumed: number } | null {
    let i = this.pos;
    while (this.ch(i) === 32 || this.ch(i) === 9) i++;
    if (this.ch(i) === NUL) return null;
    let j = i;
    while (this.ch(j) !== NUL && this.ch(j) !== 32 && this.ch(j) !== 9) j++;
    const word = this.str(i).slice(0, j - i);
    if (this.ch(j) !== NUL) this.set(j, NUL);
    return { word, consumed: j - this.pos + 1 };
  }

  /** uci_increase_pos: false when that would run past the bytes read. */
  increasePos(add: number): boolean {
    if (this.pos + add > this.filled) return false;
    this.pos += add;
    return true;
  }
}
