/**
 * The known key a misspelt one most likely meant: same key in camelCase (`pool_size` → `poolSize`),
 * same letters in another case, or a key at edit distance ≤ 2 (≤ 1 for short keys). `undefined` when
 * nothing is close.
 *
 * @example
 * ```ts
 * suggestKey('bodyLimt', ['bodyLimit', 'host', 'port']); // 'bodyLimit'
 * suggestKey('pool_size', ['url', 'poolSize']); // 'poolSize'
 * suggestKey('colour', ['url', 'poolSize']); // undefined
 * ```
 */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const camel = unknown.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  const folded = camel.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === folded);
  if (exact) return exact;
  const limit = unknown.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(folded, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, with adjacent transpositions counting as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      row[j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
