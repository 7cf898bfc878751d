// Name validation of util.c: what may appear as package, section/option name, type and value.
import { isAlnum } from './bytes.ts';

/** uci_validate_str: names allow [A-Za-z0-9_], packages also '-', types any printable ASCII. */
export function validateStr(str: string, name: boolean, pkg: boolean): boolean {
  if (str.length === 0) return false;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (isAlnum(c) || c === 95) continue;
    if (c === 45 && pkg) continue;
    if (name || c < 33 || c > 126) return false;
  }
  return true;
}

/** uci_validate_package is validate_str(str, name=false, package=true): printable ASCII. */
export const validatePackage = (s: string): boolean => validateStr(s, false, true);
export const validateType = (s: string): boolean => validateStr(s, false, false);
export const validateName = (s: string): boolean => validateStr(s, true, false);

/** uci_validate_text: any byte except control characters other than \t, \n and \r. */
export function validateText(str: string): boolean {
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}
