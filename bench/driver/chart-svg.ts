import type { Scenario } from '../scenarios.ts';
import { type BlockRecord, summarize } from './results.ts';

export interface ChartInput {
  readonly scenarios: readonly Scenario[];
  readonly concurrencies: readonly number[];
  readonly appNames: readonly string[];
  readonly blocks: readonly BlockRecord[];
  readonly title: string;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948'];
const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ value: the end of a scenario's axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const base = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * base >= value) ?? 10;
  return step * base;
}

const compact = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));

/**
 * Horizontal bar chart of median RPS: one group per scenario, one bar per (concurrency, app). Each
 * scenario has its own linear axis, from 0 to a round number above its largest bar (ping is an order of
 * magnitude above the DB scenarios), drawn as a grey frame with its end value; every bar carries its value.
 */
export function renderChart(input: ChartInput): string {
  const barH = 16;
  const gap = 4;
  const groupGap = 18;
  const left = 230;
  const barMax = 480;
  const width = left + barMax + 90;
  const top = 58;
  const parts: string[] = [];
  let y = top;
  for (const scenario of input.scenarios) {
    const bars: { label: string; value: number; color: string }[] = [];
    for (const c of input.concurrencies) {
      input.appNames.forEach((app, index) => {
        const cell = summarize(input.blocks, app, scenario.name, c);
        if (cell !== undefined) {
          bars.push({
            label: `${app} c=${c}`,
            value: cell.rps,
            color: PALETTE[index % PALETTE.length] ?? '#888',
          });
        }
      });
    }
    if (bars.length === 0) continue;
    const max = niceCeiling(Math.max(...bars.map((b) => b.value)));
    const groupH = bars.length * (barH + gap) - gap;
    parts.push(
      `<text x="10" y="${y + 12}" font-weight="bold">${escapeXml(scenario.name)}</text>`,
      `<text x="${left + barMax}" y="${y + 12}" text-anchor="end" fill="#666">0 – ${compact(max)}</text>`,
      `<rect x="${left}" y="${y + 18}" width="${barMax}" height="${groupH + 4}" fill="#f4f4f4" stroke="#ccc"/>`,
    );
    y += 20;
    for (const bar of bars) {
      const w = Math.max(1, (bar.value / max) * barMax);
      parts.push(
        `<text x="${left - 8}" y="${y + barH - 4}" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${bar.color}"/>`,
        `<text x="${(left + w + 6).toFixed(1)}" y="${y + barH - 4}">${bar.value.toFixed(0)}</text>`,
      );
      y += barH + gap;
    }
    y += groupGap;
  }
  const legend = input.appNames
    .map((app, i) => {
      const x = 10 + i * 120;
      return `<rect x="${x}" y="34" width="12" height="12" fill="${PALETTE[i % PALETTE.length] ?? '#888'}"/><text x="${x + 18}" y="45">${escapeXml(app)}</text>`;
    })
    .join('');
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${escapeXml(input.title)}</text>`,
    legend,
    `<text x="${width - 10}" y="45" text-anchor="end" fill="#666">requests/s, median of repeats; one axis per scenario</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
