// libuci error codes and the "exception" used in place of the C setjmp/longjmp UCI_THROW.

export const UCI_OK = 0;
export const UCI_ERR_MEM = 1;
export const UCI_ERR_INVAL = 2;
export const UCI_ERR_NOTFOUND = 3;
export const UCI_ERR_IO = 4;
export const UCI_ERR_PARSE = 5;
export const UCI_ERR_DUPLICATE = 6;
export const UCI_ERR_UNKNOWN = 7;

export const UCI_ERRSTR: readonly string[] = [
  'Success',
  'Out of memory',
  'Invalid argument',
  'Entry not found',
  'I/O error',
  'Parse error',
  'Duplicate entry',
  'Unknown error',
];

/** Thrown where libuci does UCI_THROW(ctx, code). */
export class UciThrow extends Error {
  constructor(readonly code: number) {
    super(UCI_ERRSTR[code] ?? 'Unknown error');
  }
}

export function uciThrow(code: number): never {
  throw new UciThrow(code);
}

/** UCI_ASSERT: an invalid argument unless the condition holds. */
export function uciAssert(condition: unknown): asserts condition {
  if (!condition) throw new UciThrow(UCI_ERR_INVAL);
}
