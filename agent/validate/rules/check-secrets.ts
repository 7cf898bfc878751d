// Secrets in the text of the config files: a private key block anywhere, and in comments a
// WireGuard key next to the word private/preshared, `PrivateKey =`, or `password: s3cr3t`. Keys
// for secrets are already unknown keys (schema); this catches what the schema cannot see.
import type { ConfigFile } from '../../config/parse-yaml-file.ts';
import type { Diagnostic } from '../../base/diagnostic.ts';
import { secretInComment, secretInLine } from '../secret-patterns.ts';

export function checkSecretsInText(files: readonly ConfigFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of files) {
    file.text.split(/\r?\n/).forEach((line, i) => {
      const whole = secretInLine(line);
      const hash = commentStart(line);
      const inComment = whole ? null : hash >= 0 ? secretInComment(line.slice(hash + 1)) : null;
      const why = whole ?? inComment;
      if (why) {
        out.push({
          file: file.path,
          path: '',
          line: i + 1,
          column: whole ? 1 : hash + 1,
          message: `this ${whole ? 'line' : 'comment'} ${why}: never put secrets in the config repo (a router's private key stays on the router); remove it, and replace the leaked secret`,
        });
      }
    });
  }
  return out;
}

/** Index of the `#` that starts a YAML comment on this line, or -1 (quotes are respected). */
function commentStart(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") {
      // A quote opens a quoted scalar only where a value starts, not inside a plain one.
      if (i === 0 || /[\s:[{,-]/.test(line[i - 1]!)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return i;
    }
  }
  return -1;
}
