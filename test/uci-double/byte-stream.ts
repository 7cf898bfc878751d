// A FILE* over an in-memory byte string, with the fgets/feof behaviour the C parser relies on:
// the EOF indicator is only set once a read runs into the end of the data.

export class ByteStream {
  private data: string | null;
  private pos = 0;
  eof = false;

  /** `source` may be lazy so that stdin is only read by the commands that use it. */
  constructor(private readonly source: string | (() => string)) {
    this.data = typeof source === 'string' ? source : null;
  }

  private content(): string {
    if (this.data === null) this.data = typeof this.source === 'string' ? this.source : this.source();
    return this.data;
  }

  /** fgets() without a size limit: one line including its '\n', or the rest; null at the end. */
  readLine(): string | null {
    const data = this.content();
    if (this.pos >= data.length) {
      this.eof = true;
      return null;
    }
    const nl = data.indexOf('\n', this.pos);
    if (nl < 0) {
      const rest = data.slice(this.pos);
      this.pos = data.length;
      this.eof = true;
      return rest;
    }
    const line = data.slice(this.pos, nl + 1);
    this.pos = nl + 1;
    return line;
  }
}
