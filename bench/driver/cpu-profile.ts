import { readFileSync } from 'node:fs';

/** A V8 `.cpuprofile` as `node --cpu-prof` writes it (the parts read here). */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by function (`name file:line`), largest first. */
  readonly functions: readonly ProfileLine[];
  /** Self time by area (loom's source folders, packages, node internals, GC, idle). */
  readonly areas: readonly ProfileLine[];
  /** Total (self + callees) time of each area's frames, counted once per sample. */
  readonly inclusive: readonly ProfileLine[];
  /** Total (self + callees) time of each function, counted once per sample. */
  readonly inclusiveFunctions: readonly ProfileLine[];
}

/** Where a frame's code lives: `loom/rest`, `bench app`, `fastify`, `pg`, `node`, `(gc)`, … */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const src = /packages\/loom\/src\/([^/]+)\//.exec(url);
  if (src) return `loom/${src[1]}`;
  if (/\/bench\/(loom|native)\//.test(url)) return 'bench app';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1] ?? 'node_modules';
  if (url.startsWith('node:')) return 'node';
  return url;
}

function shortUrl(url: string): string {
  const cut = url.lastIndexOf('/node_modules/');
  if (cut >= 0) return url.slice(cut + '/node_modules/'.length);
  const src = url.indexOf('/packages/loom/src/');
  if (src >= 0) return `loom/${url.slice(src + '/packages/loom/src/'.length)}`;
  const bench = url.indexOf('/bench/');
  return bench >= 0 ? url.slice(bench + 1) : url.replace(/^file:\/\//, '');
}

function ranked(map: Map<string, number>, total: number, limit: number): ProfileLine[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({ name, ms, share: total > 0 ? ms / total : 0 }));
}

/**
 * Self and inclusive time per function and per area of a `.cpuprofile`. With `windowMs`, only the
 * samples of the last `windowMs` milliseconds count (the measured run, without start-up and warm-up).
 */
export function summarizeProfile(
  file: string,
  limit = 30,
  windowMs = Number.POSITIVE_INFINITY,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const at: number[] = [];
  let clock = 0;
  for (const delta of profile.timeDeltas) {
    clock += delta;
    at.push(clock);
  }
  const from = clock - windowMs * 1000;
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if ((at[i] ?? 0) < from) return;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  let totalMs = 0;
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const inclusiveFunctions = new Map<string, number>();
  const nameOf = (frame: { functionName: string; url: string; lineNumber: number }) =>
    `${frame.functionName || '(anonymous)'} ${frame.url === '' ? '' : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`}`;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (node === undefined) continue;
    totalMs += ms;
    const { functionName, url } = node.callFrame;
    const name = nameOf(node.callFrame);
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const seen = new Set<string>();
    const seenFunctions = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined) break;
      const a = areaOf(frame.url, frame.functionName);
      if (!seen.has(a)) {
        seen.add(a);
        inclusive.set(a, (inclusive.get(a) ?? 0) + ms);
      }
      const f = nameOf(frame);
      if (!seenFunctions.has(f)) {
        seenFunctions.add(f);
        inclusiveFunctions.set(f, (inclusiveFunctions.get(f) ?? 0) + ms);
      }
    }
  }
  return {
    totalMs,
    functions: ranked(functions, totalMs, limit),
    areas: ranked(areas, totalMs, limit),
    inclusive: ranked(inclusive, totalMs, limit),
    inclusiveFunctions: ranked(inclusiveFunctions, totalMs, limit),
  };
}

/** The summary as plain text tables. */
export function formatProfile(summary: ProfileSummary): string {
  const line = (l: ProfileLine) =>
    `${(l.share * 100).toFixed(1).padStart(5)} %  ${l.ms.toFixed(0).padStart(6)} ms  ${l.name}`;
  return [
    `sampled ${summary.totalMs.toFixed(0)} ms`,
    '',
    'self time by area:',
    ...summary.areas.map(line),
    '',
    'inclusive time by area (self + callees):',
    ...summary.inclusive.map(line),
    '',
    'self time by function:',
    ...summary.functions.map(line),
    '',
    'inclusive time by function (self + callees):',
    ...summary.inclusiveFunctions.map(line),
  ].join('\n');
}
