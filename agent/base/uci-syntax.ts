// The lexical rules of UCI for what the agent writes (uci batch commands, its settings file), as
// openwrt/uci's util.c and file.c apply them: which names are allowed, how a value is quoted so
// that uci reads back exactly the same bytes (parse-uci-text.ts), and the check that keeps
// untrusted text from ever becoming UCI syntax.

export class UciValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UciValueError';
  }
}

/** Section and option names: `[A-Za-z0-9_]` only (uci_validate_str; parse-uci-text.ts reads with it too). */
export const UCI_NAME = /^\w+$/;
/** Section types: printable ASCII without spaces or quotes (uci allows 33–126; quotes would need escaping). */
const TYPE = /^[A-Za-z0-9_.@+-]+$/;

export function validateName(kind: 'section' | 'option', name: string): string {
  if (!UCI_NAME.test(name)) throw new UciValueError(`invalid UCI ${kind} name ${JSON.stringify(name)}: only letters, digits and _ are allowed`);
  return name;
}

export function validateType(type: string): string {
  if (!TYPE.test(type)) throw new UciValueError(`invalid UCI section type ${JSON.stringify(type)}`);
  return type;
}

/**
 * Values may hold any printable text, quotes and backslashes included (they are escaped), but no
 * control character: none of dlan's values needs one, and a newline would be legal UCI that no
 * daemon on the router expects.
 */
export function validateValue(where: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new UciValueError(`${where}: value ${JSON.stringify(value)} contains a control character`);
  return value;
}

/** Single-quoted as uci itself writes values: an embedded `'` becomes `'\''`. */
export function quoteUci(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
