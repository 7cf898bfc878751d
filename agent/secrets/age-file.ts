// The age v1 file format (https://age-encryption.org/v1): header of recipient stanzas and a MAC,
// then the payload (a 16-byte nonce and STREAM chunks); optionally ASCII-armored. This file only
// parses and prints; age-encrypt.ts / age-decrypt.ts do the cryptography.
import { decodeBase64, encodeBase64 } from '../base/base64.ts';
import { ascii, concatBytes, fromAscii } from './age-primitives.ts';

export class AgeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgeFormatError';
  }
}

export const AGE_VERSION_LINE = 'age-encryption.org/v1';
export const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
export const ARMOR_END = '-----END AGE ENCRYPTED FILE-----';

export interface Stanza {
  type: string;
  args: string[];
  body: Uint8Array;
}

export interface AgeFile {
  stanzas: Stanza[];
  /** The header bytes the MAC covers: everything up to and including `---`. */
  macInput: Uint8Array;
  mac: Uint8Array;
  /** Nonce and encrypted chunks. */
  payload: Uint8Array;
}

/** Header lines are short; a generous bound keeps a hostile file from costing much. */
const MAX_STANZAS = 64;
const ARG = /^[\x21-\x7e]+$/;

/** Parses a binary age file (the armor already removed). */
export function parseAgeFile(bytes: Uint8Array): AgeFile {
  let at = 0;
  const line = (): string => {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) throw new AgeFormatError('truncated header');
    const text = fromAscii(bytes.subarray(at, nl));
    at = nl + 1;
    return text;
  };
  if (line() !== AGE_VERSION_LINE) throw new AgeFormatError(`not an age v1 file (no "${AGE_VERSION_LINE}" line)`);
  const stanzas: Stanza[] = [];
  for (;;) {
    const start = at;
    const l = line();
    if (l.startsWith('--- ')) {
      const mac = decodeBase64(l.slice(4), false);
      if (!mac || mac.length !== 32) throw new AgeFormatError('malformed header MAC');
      return { stanzas, macInput: bytes.subarray(0, start + 3), mac, payload: bytes.subarray(at) };
    }
    if (!l.startsWith('-> ')) throw new AgeFormatError('malformed header line');
    const [type, ...args] = l.slice(3).split(' ');
    if (!type || ![type, ...args].every((a) => ARG.test(a))) throw new AgeFormatError('malformed stanza arguments');
    const chunks: Uint8Array[] = [];
    for (;;) {
      const b = line();
      const decoded = decodeBase64(b, false);
      if (decoded === null || b.length > 64) throw new AgeFormatError('malformed stanza body');
      chunks.push(decoded);
      if (b.length < 64) break;
    }
    stanzas.push({ type, args, body: concatBytes(...chunks) });
    if (stanzas.length > MAX_STANZAS) throw new AgeFormatError(`more than ${MAX_STANZAS} recipient stanzas`);
  }
}

/** The header text without the MAC value (`…\n---`), as the MAC covers it. */
export function headerMacInput(stanzas: Stanza[]): Uint8Array {
  let text = `${AGE_VERSION_LINE}\n`;
  for (const s of stanzas) {
    text += `-> ${[s.type, ...s.args].join(' ')}\n`;
    const body = encodeBase64(s.body, false);
    for (let i = 0; i <= body.length; i += 64) text += `${body.slice(i, i + 64)}\n`;
  }
  return ascii(`${text}---`);
}

export function formatAgeFile(stanzas: Stanza[], mac: Uint8Array, payload: Uint8Array): Uint8Array {
  return concatBytes(headerMacInput(stanzas), ascii(` ${encodeBase64(mac, false)}\n`), payload);
}

export function isArmored(text: string): boolean {
  return text.trimStart().startsWith(ARMOR_BEGIN);
}

/** ASCII armor: standard padded base64 in 64-column lines between the BEGIN/END lines. */
export function armor(bytes: Uint8Array): string {
  const b64 = encodeBase64(bytes, true);
  const lines = [ARMOR_BEGIN];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  lines.push(ARMOR_END, '');
  return lines.join('\n');
}

/** Removes the armor; surrounding whitespace and CRLF line ends are tolerated, nothing else. */
export function dearmor(text: string): Uint8Array {
  const lines = text.trim().split(/\r?\n/);
  if (lines[0] !== ARMOR_BEGIN || lines[lines.length - 1] !== ARMOR_END) {
    throw new AgeFormatError(`not an armored age file (${ARMOR_BEGIN} … ${ARMOR_END})`);
  }
  const body = lines.slice(1, -1);
  if (body.length === 0) throw new AgeFormatError('empty armored age file');
  body.forEach((l, i) => {
    if (l.length > 64 || (i < body.length - 1 && l.length !== 64)) throw new AgeFormatError('armored lines must be 64 columns (the last one at most 64)');
  });
  const bytes = decodeBase64(body.join(''), true);
  if (bytes === null) throw new AgeFormatError('armored age file is not valid base64');
  return bytes;
}
