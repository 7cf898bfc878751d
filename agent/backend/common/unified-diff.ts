// A unified diff of two texts (the `detail` of a file change in a plan). Line-based LCS: config
// files are a few hundred lines, so the quadratic table is small and the output is exact.

type Op = { t: ' ' | '-' | '+'; line: string };

function diffOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ t: ' ', line: a[i]! });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removals before additions, as diff(1) prints a replaced line.
      ops.push({ t: '-', line: a[i++]! });
    } else {
      ops.push({ t: '+', line: b[j++]! });
    }
  }
  return ops;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `--- a/path` / `+++ b/path` and hunks with `context` lines around each change; '' when equal. */
export function unifiedDiff(before: string | null, after: string | null, path: string, context = 3): string {
  const a = splitLines(before ?? '');
  const b = splitLines(after ?? '');
  const ops = diffOps(a, b);
  if (!ops.some((o) => o.t !== ' ')) return '';
  const out = [`--- ${before === null ? '/dev/null' : `a${path}`}`, `+++ ${after === null ? '/dev/null' : `b${path}`}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.t === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is within 2*context of the previous one.
    let start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      let next = end;
      while (next < ops.length && ops[next]!.t === ' ') next++;
      if (next === ops.length || next - end > 2 * context) break;
      end = next;
      while (end < ops.length && ops[end]!.t !== ' ') end++;
    }
    const stop = Math.min(ops.length, end + context);
    let aLine = 1;
    let bLine = 1;
    for (let x = 0; x < start; x++) {
      if (ops[x]!.t !== '+') aLine++;
      if (ops[x]!.t !== '-') bLine++;
    }
    const hunk = ops.slice(start, stop);
    const aCount = hunk.filter((o) => o.t !== '+').length;
    const bCount = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${aCount === 0 ? aLine - 1 : aLine},${aCount} +${bCount === 0 ? bLine - 1 : bLine},${bCount} @@`);
    for (const o of hunk) out.push(`${o.t}${o.line}`);
    k = stop;
    start = stop;
  }
  return `${out.join('\n')}\n`;
}
