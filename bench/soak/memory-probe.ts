/**
 * Loaded into a process under study with `node --import bench/soak/memory-probe.ts …`: every
 * LOOM_MEMORY_PROBE_MS (default 1000) it appends one JSON line to the file LOOM_MEMORY_PROBE names —
 * RSS, the V8 heap (used, total, per space), external and array-buffer memory, and the garbage
 * collections since the previous line (count and pause time per kind). Nothing when the variable is unset.
 */
import { appendFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const file = process.env.LOOM_MEMORY_PROBE;
if (file !== undefined && file !== '') {
  const everyMs = Number(process.env.LOOM_MEMORY_PROBE_MS ?? 1000);
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  const kindName: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    2: 'minorMarkSweep',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incrementalMarking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
  };
  let gc: Record<string, { n: number; ms: number }> = {};
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { detail?: { kind?: number; flags?: number } }).detail;
      let name = kindName[detail?.kind ?? 0] ?? String(detail?.kind);
      // A mark-compact asked to free all it can (the memory reducer, a low-memory signal): counted apart.
      if (
        name === 'markCompact' &&
        ((detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE) !== 0
      ) {
        name = 'markCompactReducing';
      }
      const slot = gc[name] ?? { n: 0, ms: 0 };
      gc[name] = slot;
      slot.n++;
      slot.ms += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const started = Date.now();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const spaces: Record<string, number> = {};
    for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = mb(s.space_size);
    const h = v8.getHeapStatistics();
    const line = {
      t: Math.round((Date.now() - started) / 100) / 10,
      rss: mb(m.rss),
      heapUsed: mb(m.heapUsed),
      heapTotal: mb(m.heapTotal),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
      malloced: mb(h.malloced_memory),
      spaces,
      gc,
    };
    gc = {};
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, everyMs);
  timer.unref();
}

// Allocation profile: every allocation sampled (every ~32 kB), garbage included, from
// LOOM_ALLOC_PROFILE_AFTER_S for LOOM_ALLOC_PROFILE_FOR_S seconds, written as a .heapprofile (open it in
// Chrome DevTools, or summarise it with bench/soak/alloc-summary.ts).
const profileFile = process.env.LOOM_ALLOC_PROFILE;
if (profileFile !== undefined && profileFile !== '') {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const afterS = Number(process.env.LOOM_ALLOC_PROFILE_AFTER_S ?? 30);
  const forS = Number(process.env.LOOM_ALLOC_PROFILE_FOR_S ?? 30);
  const session = new Session();
  session.connect();
  setTimeout(async () => {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 32768,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    setTimeout(async () => {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(profileFile, JSON.stringify(profile));
    }, forS * 1000).unref();
  }, afterS * 1000).unref();
}
