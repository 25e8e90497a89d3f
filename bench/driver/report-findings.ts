import type { Scenario } from '../scenarios.ts';
import { BASELINE_APP } from './apps.ts';
import { type Align, markdownTable } from './markdown-table.ts';
import { type BlockRecord, median, pairedRatio, ratiosPerRepeat, summarize } from './results.ts';

/** Below this RPS ratio to native a cell needs an explanation (the acceptance threshold). */
export const RATIO_TARGET = 0.9;

export interface FindingsInput {
  readonly scenarios: readonly Scenario[];
  readonly concurrencies: readonly number[];
  readonly blocks: readonly BlockRecord[];
}

const f0 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(2) : '–');
const f3 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(3) : '–');

/**
 * The cells where `app` reaches less than {@link RATIO_TARGET} of native's RPS (the median of the rounds'
 * ratios, as in the results tables), with the CPU each app spent per request (the figure that least
 * depends on what else the machine was doing).
 */
export function shortfallTable(input: FindingsInput, app: string): string[] {
  const rows: string[][] = [];
  for (const scenario of input.scenarios) {
    for (const c of input.concurrencies) {
      const mine = summarize(input.blocks, app, scenario.name, c);
      const base = summarize(input.blocks, BASELINE_APP, scenario.name, c);
      if (mine === undefined || base === undefined || !(base.rps > 0)) continue;
      const ratio = pairedRatio(input.blocks, app, BASELINE_APP, scenario.name, c);
      if (!(ratio < RATIO_TARGET)) continue;
      rows.push([
        scenario.name,
        String(c),
        `**${f2(ratio)}**`,
        f3(mine.cpuMsPerRequest),
        f3(base.cpuMsPerRequest),
        f2(base.cpuMsPerRequest > 0 ? mine.cpuMsPerRequest / base.cpuMsPerRequest : Number.NaN),
        `${f0(mine.hostBusyPercent)} / ${f0(base.hostBusyPercent)}`,
      ]);
    }
  }
  if (rows.length === 0) return [`Every cell of ${app} reaches ${RATIO_TARGET} of native's RPS.`];
  const header = [
    'scenario',
    'c',
    `${app}/native RPS`,
    `${app} CPU ms/req`,
    'native CPU ms/req',
    'CPU ratio',
    `host busy % (${app} / native)`,
  ];
  return markdownTable(
    header,
    header.map((_, i): Align => (i === 0 ? 'left' : 'right')),
    rows,
  );
}

/** An app measured on a subset of the scenarios (a variant, e.g. with the read cache), against native. */
export function variantTable(input: FindingsInput, app: string, base: string): string[] {
  const rows: string[][] = [];
  for (const scenario of input.scenarios) {
    for (const c of input.concurrencies) {
      const mine = summarize(input.blocks, app, scenario.name, c);
      if (mine === undefined) continue;
      const native = summarize(input.blocks, BASELINE_APP, scenario.name, c);
      const plain = summarize(input.blocks, base, scenario.name, c);
      rows.push([
        scenario.name,
        String(c),
        f0(mine.rps),
        f1(mine.p50Ms),
        f1(mine.p99Ms),
        f0(plain?.rps),
        f0(native?.rps),
        `**${f2(native ? pairedRatio(input.blocks, app, BASELINE_APP, scenario.name, c) : Number.NaN)}**`,
        `**${f2(plain ? pairedRatio(input.blocks, app, base, scenario.name, c) : Number.NaN)}**`,
        `${mine.non2xx} / ${mine.socketErrors}`,
        f3(mine.cpuMsPerRequest),
      ]);
    }
  }
  const header = [
    'scenario',
    'c',
    `${app} RPS`,
    'p50 ms',
    'p99 ms',
    `${base} RPS`,
    'native RPS',
    `${app}/native`,
    `${app}/${base}`,
    'errors (non-2xx / socket)',
    'CPU ms/req',
  ];
  return markdownTable(
    header,
    header.map((_, i): Align => (i === 0 || i === header.length - 2 ? 'left' : 'right')),
    rows,
  );
}

/**
 * `app` / native RPS per round for every cell, with the lowest and the median: how far one cell's ratio
 * moves between rounds on this machine (each round measures the two apps of a cell back to back).
 */
export function pairedRatioTable(input: FindingsInput, app: string): string[] {
  const rows: string[][] = [];
  for (const scenario of input.scenarios) {
    for (const c of input.concurrencies) {
      const ratios = ratiosPerRepeat(input.blocks, app, BASELINE_APP, scenario.name, c);
      if (ratios.length === 0) continue;
      rows.push([
        scenario.name,
        String(c),
        ratios.map(f2).join(' / '),
        f2(Math.min(...ratios)),
        `**${f2(median(ratios))}**`,
      ]);
    }
  }
  const header = ['scenario', 'c', `${app}/native per round`, 'lowest', 'median'];
  return markdownTable(
    header,
    header.map((_, i): Align => (i === 0 || i === 2 ? 'left' : 'right')),
    rows,
  );
}
