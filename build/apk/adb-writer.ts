// Writes the "ADB" database of an apk-tools v3 file: a heap of 32-bit little-endian tagged values.
// Learnt from apk-tools' doc/apk-v3.5.scd and src/adb.h, src/adb.c (not copied):
//  - a value is a u32 whose high 4 bits are its type and low 28 bits an immediate or an offset
//    into this heap: 0x0 special (0 = null), 0x1 int (immediate, < 2^28), 0x2 int32 (offset),
//    0x8/0x9/0xa blob with a 1/2/4-byte little-endian length before the bytes (offset),
//    0xd array and 0xe object (offset of a slot table whose slot 0 is the number of slots);
//  - the heap starts with an 8-byte header (compat version 0, version 0, 2 reserved bytes, the
//    root value); offsets count from the heap's first byte;
//  - apk reads integers in place, so each item is aligned to its length field's size (blobs) or
//    to 4 bytes (slot tables, int32); identical items are written once, as apk does;
//  - an object's trailing null slots are left out, an object with no set slot is null; an empty
//    blob is null too.
export type AdbValue = number;

export const ADB_NULL: AdbValue = 0;
const TYPE_INT = 0x10000000;
const TYPE_INT32 = 0x20000000;
const TYPE_BLOB8 = 0x80000000;
const TYPE_BLOB16 = 0x90000000;
const TYPE_BLOB32 = 0xa0000000;
const TYPE_ARRAY = 0xd0000000;
const TYPE_OBJECT = 0xe0000000;
const HEADER_SIZE = 8;

export class AdbWriter {
  private chunks: Buffer[] = [Buffer.alloc(HEADER_SIZE)];
  private size = HEADER_SIZE;
  private written = new Map<string, number>();

  /** Appends `bytes` at the next offset that is a multiple of `align` (zero padding before). */
  private append(bytes: Buffer, align: number, shared: boolean): number {
    const key = `${align}:${bytes.toString('base64')}`;
    const seen = shared ? this.written.get(key) : undefined;
    if (seen !== undefined) return seen;
    const pad = (align - (this.size % align)) % align;
    if (pad) this.chunks.push(Buffer.alloc(pad));
    const offset = this.size + pad;
    this.chunks.push(bytes);
    this.size = offset + bytes.length;
    if (this.size > 0x0fffffff) throw new Error('adb: database larger than 256 MiB');
    if (shared) this.written.set(key, offset);
    return offset;
  }

  private tagged(type: number, offset: number): AdbValue {
    return (type | offset) >>> 0;
  }

  /**
   * A blob (string or bytes). `unique` writes it even when the same bytes exist already, so it
   * can be patched later (apk writes the package's unique id that way).
   */
  blob(data: Buffer | string, unique = false): AdbValue {
    const body = Buffer.from(data);
    if (body.length === 0) return ADB_NULL;
    let head: Buffer;
    let type: number;
    if (body.length <= 0xff) {
      head = Buffer.from([body.length]);
      type = TYPE_BLOB8;
    } else if (body.length <= 0xffff) {
      head = Buffer.alloc(2);
      head.writeUInt16LE(body.length);
      type = TYPE_BLOB16;
    } else {
      head = Buffer.alloc(4);
      head.writeUInt32LE(body.length);
      type = TYPE_BLOB32;
    }
    return this.tagged(type, this.append(Buffer.concat([head, body]), head.length, !unique));
  }

  int(n: number): AdbValue {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`adb: integer out of range: ${n}`);
    if (n < 0x10000000) return (TYPE_INT | n) >>> 0;
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return this.tagged(TYPE_INT32, this.append(b, 4, true));
  }

  private slots(type: number, values: AdbValue[]): AdbValue {
    let n = values.length;
    while (n > 0 && values[n - 1] === ADB_NULL) n--;
    if (n === 0) return ADB_NULL;
    const table = Buffer.alloc(4 * (n + 1));
    table.writeUInt32LE(n + 1, 0);
    for (let i = 0; i < n; i++) table.writeUInt32LE(values[i]!, 4 * (i + 1));
    return this.tagged(type, this.append(table, 4, true));
  }

  /** An object from its set slots, by slot number (1 up; slot 0 holds the count). */
  object(fields: Record<number, AdbValue>): AdbValue {
    const values: AdbValue[] = [];
    for (const [slot, value] of Object.entries(fields)) {
      const i = Number(slot);
      if (!Number.isInteger(i) || i < 1) throw new Error(`adb: bad object slot ${slot}`);
      values[i - 1] = value;
    }
    return this.slots(TYPE_OBJECT, Array.from(values, (v) => v ?? ADB_NULL));
  }

  /** An array of values (nulls are dropped, as apk's append does). */
  array(items: AdbValue[]): AdbValue {
    return this.slots(TYPE_ARRAY, items.filter((v) => v !== ADB_NULL));
  }

  /** The finished heap with `root` in its header. */
  finish(root: AdbValue): Buffer {
    const heap = Buffer.concat(this.chunks);
    heap.writeUInt32LE(root >>> 0, 4); // bytes 0..3: compat version 0, version 0, reserved 0
    return heap;
  }

  /** Where a blob's bytes start in the finished heap (after its length field). */
  static blobBytesAt(value: AdbValue): number {
    const type = (value & 0xf0000000) >>> 0;
    const offset = value & 0x0fffffff;
    const lenSize = type === TYPE_BLOB8 ? 1 : type === TYPE_BLOB16 ? 2 : type === TYPE_BLOB32 ? 4 : 0;
    if (!lenSize) throw new Error('adb: not a blob');
    return offset + lenSize;
  }
}
