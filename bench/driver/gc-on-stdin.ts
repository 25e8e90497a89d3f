/**
 * Preloaded (`node --expose-gc --import=…/gc-on-stdin.ts <app>`) by bench/instructions.ts: on a line on
 * stdin, a full garbage collection, then `GC DONE` on stdout, so counting starts from a collected heap.
 */
process.stdin.on('data', () => {
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write('GC DONE\n');
});
