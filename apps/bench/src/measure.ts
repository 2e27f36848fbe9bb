// How every figure in the report is measured: time with tinybench (warm-up, then samples,
// median and spread), memory after forced garbage collection.
import { memoryStats, setMemoryTracking } from '@torchlet/core';
import { Bench } from 'tinybench';

/** Timing of one task: latency statistics in milliseconds per call. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  /** Relative margin of error of the mean at 95% (percent). */
  rme: number;
  samples: number;
}

/** Time budget per task. */
export interface TimeBudget {
  warmupMs: number;
  timeMs: number;
}

/** Times `fn` with tinybench; `beforeEach` runs untimed before every call. */
export async function time(name: string, fn: () => unknown, budget: TimeBudget, beforeEach?: () => void): Promise<Timing> {
  await settle(); // start every task from a collected heap, so one task's garbage is not timed in the next
  const bench = new Bench({ time: budget.timeMs, warmupTime: budget.warmupMs, iterations: 10, warmupIterations: 5 });
  bench.add(name, fn, beforeEach ? { beforeEach } : {});
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`benchmark ${name} did not complete: ${r.state}${'error' in r ? `: ${String(r.error)}` : ''}`);
  const l = r.latency;
  return { median: l.p50, min: l.min, max: l.max, rme: l.rme, samples: l.samplesCount };
}

/** Memory held while a value is alive, after forced GC, per copy. */
export interface Retained {
  /** Growth of V8 heap plus array-buffer memory per live copy (bytes). */
  processBytes: number;
  /** Growth of live tensor storage counted by torchlet's memoryStats, per live copy (bytes). */
  tensorBytes: number;
}

/** Forces full GCs with event-loop turns between them, so FinalizationRegistry callbacks run. */
export async function settle(): Promise<void> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (typeof collect !== 'function') throw new Error('memory measurement needs node --expose-gc');
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((r) => setTimeout(r, 0));
  }
}

/**
 * Bytes retained by what `make` returns: `copies` results are kept alive together and the
 * growth between two settled GCs is divided by `copies`, so GC noise (±100 KiB) averages out.
 */
export async function retained(make: () => unknown, copies = 32): Promise<Retained> {
  // Tracking costs ~0.25 µs per allocation, so it is on only while memory is measured.
  setMemoryTracking(true);
  await settle();
  const before = process.memoryUsage();
  const tBefore = memoryStats().liveBytes;
  const keep: unknown[] = [];
  for (let i = 0; i < copies; i++) keep.push(make());
  await settle();
  const after = process.memoryUsage();
  const tAfter = memoryStats().liveBytes;
  const result = {
    processBytes: (after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)) / copies,
    tensorBytes: (tAfter - tBefore) / copies,
  };
  keep.length = 0;
  setMemoryTracking(false);
  return result;
}
