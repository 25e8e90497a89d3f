export type Align = 'left' | 'right';

const width = (s: string): number => [...s].length;

/**
 * A Markdown table with padded, aligned columns: the layout Biome's formatter produces, so a generated
 * RESULTS.md passes `biome check` unchanged. `|` inside cells is escaped.
 */
export function markdownTable(
  header: readonly string[],
  align: readonly Align[],
  rows: readonly string[][],
): string[] {
  const escapeCell = (cell: string): string => cell.replaceAll('|', '\\|');
  const all = [header, ...rows].map((r) => header.map((_, i) => escapeCell(r[i] ?? '')));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    `| ${cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 3) - width(cell));
        return align[i] === 'right' ? pad + cell : cell + pad;
      })
      .join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  const [head, ...body] = all;
  return [line(head ?? []), rule, ...body.map(line)];
}
