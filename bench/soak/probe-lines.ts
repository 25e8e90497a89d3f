/**
 * Reading what memory-probe.ts writes: one JSON line per sample. Kept apart from the probe itself,
 * which starts sampling as soon as it is imported.
 */

/** One line of memory-probe.ts (MB; GC counts and pause times since the line before). */
export interface ProbeLine {
  readonly t: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly spaces: Record<string, number>;
  readonly gc: Record<string, { n: number; ms: number }>;
}

/**
 * The lines of a probe file's text, blank lines skipped.
 *
 * @example
 * ```ts
 * const last = parseProbeLines(await readFile(probeFile, 'utf8')).at(-1);
 * ```
 */
export function parseProbeLines(text: string): ProbeLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ProbeLine);
}
