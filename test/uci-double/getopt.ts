// getopt(3) for uci's option string. Options end at the first non-option argument (POSIX and
// musl, which OpenWrt uses; glibc would also take options after the command). Error messages
// are glibc's, as recorded in the conformance corpus.

export type OptEvent =
  | { kind: 'option'; letter: string; arg: string | null }
  | { kind: 'error'; message: string };

/** Parses `args` against an option string like "c:d:q"; returns the events and the operands. */
export function getopt(args: string[], optstring: string, prog: string): { events: OptEvent[]; rest: string[] } {
  const events: OptEvent[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i] as string;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    i++;
    for (let j = 1; j < a.length; j++) {
      const letter = a[j] as string;
      const at = letter === ':' ? -1 : optstring.indexOf(letter);
      if (at < 0) {
        events.push({ kind: 'error', message: `${prog}: invalid option -- '${letter}'\n` });
        return { events, rest: args.slice(i) };
      }
      if (optstring[at + 1] !== ':') {
        events.push({ kind: 'option', letter, arg: null });
        continue;
      }
      let arg: string | null = a.slice(j + 1);
      if (arg === '') {
        arg = i < args.length ? (args[i] as string) : null;
        if (arg !== null) i++;
      }
      if (arg === null) {
        events.push({ kind: 'error', message: `${prog}: option requires an argument -- '${letter}'\n` });
        return { events, rest: args.slice(i) };
      }
      events.push({ kind: 'option', letter, arg });
      break;
    }
  }
  return { events, rest: args.slice(i) };
}
