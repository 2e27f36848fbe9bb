// How every figure in the report is measured in Node (torchlet and the tfjs peers): time with
// tinybench (warm-up, then samples, summarised by stats.ts), memory after forced GC. The Python
// peer (peers/pytorch_bench.py) follows the same policy with its own clock.
import { getHeapSpaceStatistics } from 'node:v8';
import { Bench } from 'tinybench';

/**
 * Time budget of one case. Sampling goes on until both the time and the sample minimum are met,
 * split into `rounds` interleaved with the other modes of the same comparison (see rounds()).
 */
export interface TimeBudget {
  warmupMs: number;
  warmupSamples: number;
  timeMs: number;
  minSamples: number;
  rounds: number;
}

/**
 * The budget of round `r` of `budget.rounds`: a share of the time and of the sample minimum
 * (at least one sample), the warm-up only in the first round.
 */
export function roundBudget(budget: TimeBudget, r: number): { warmupMs: number; warmupSamples: number; timeMs: number; minSamples: number } {
  return {
    warmupMs: r === 0 ? budget.warmupMs : 0,
    warmupSamples: r === 0 ? budget.warmupSamples : 0,
    timeMs: budget.timeMs / budget.rounds,
    minSamples: Math.max(1, Math.ceil(budget.minSamples / budget.rounds)),
  };
}

/**
 * The order of `n` interleaved cases in round `r`: rotated each round, so no mode always runs
 * first (right after a settle) or last.
 */
export function rotation(n: number, r: number): number[] {
  return Array.from({ length: n }, (_, i) => (i + r) % n);
}

/** Samples `fn` with tinybench (ms per call); `beforeEach` runs untimed before every call, warm-up included. */
export async function sample(name: string, fn: () => unknown, budget: ReturnType<typeof roundBudget>, beforeEach?: () => void): Promise<number[]> {
  await settle(); // start from a collected heap, so the previous task's garbage is not collected in this one
  const bench = new Bench({
    time: budget.timeMs,
    warmup: budget.warmupMs > 0 || budget.warmupSamples > 0,
    warmupTime: budget.warmupMs,
    iterations: budget.minSamples,
    warmupIterations: budget.warmupSamples,
    retainSamples: true,
  });
  bench.add(name, fn, beforeEach ? { beforeEach } : {});
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`benchmark ${name} did not complete: ${r.state}${'error' in r ? `: ${String(r.error)}` : ''}`);
  const samples = r.latency.samples;
  if (!samples || samples.length === 0) throw new Error(`benchmark ${name} returned no samples`);
  return [...samples];
}

/** Memory held while the outputs of one task are alive, after forced GC, per copy (bytes). */
export interface Retained {
  /**
   * Process-level growth per live copy: V8 heap (without code spaces) + `arrayBuffers` for Node libraries, RSS for
   * PyTorch; null where the library's storage cannot be seen this way (tfjs wasm heap).
   */
  processBytes: number | null;
  /** Growth of the library's own count of live tensor storage, per live copy. */
  tensorBytes: number;
  /** How many outputs were kept alive together. */
  copies: number;
}

/** A library's live-tensor counter, switched on only while memory is measured. */
export interface TensorCounter {
  start(): void;
  liveBytes(): number;
  stop(): void;
  /** False where process memory does not reflect tensor storage (a WebAssembly heap only grows). */
  processVisible: boolean;
}

/**
 * Forces full GCs with event-loop turns between them, so FinalizationRegistry callbacks run
 * (torchlet's live-storage counter and tfjs's wasm heap are freed from them).
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc()();
    await new Promise((r) => setTimeout(r, 0));
  }
}

/**
 * A "last resort" full GC, which also finishes sweeping and compacts: after a plain `gc()`
 * heapUsed still wobbles by ±300 KiB between two settled points, after this by a few bytes. It
 * does not run finalizers, so it is only used where they do not matter (tracking off).
 */
async function compact(): Promise<void> {
  await settle();
  gc()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

function gc(): (opts?: object) => void {
  const collect = (globalThis as { gc?: (opts?: object) => void }).gc;
  if (typeof collect !== 'function') throw new Error('memory measurement needs node --expose-gc (use `pnpm bench`)');
  return collect;
}

/**
 * Bytes retained by what `make` returns: `copies` results are kept alive together and the growth
 * between two settled points is divided by `copies`.
 *
 * Process memory is V8's heap without its code spaces, plus `arrayBuffers` (typed-array storage is
 * not in the heap): the JIT compiles and drops code on its own schedule, which showed up as
 * ±190 KiB swings unrelated to the outputs. It is read with the library's tensor counter off
 * (torchlet's counter allocates a registry cell per tensor), once to warm up and then `repeats`
 * times, keeping the median: the first readings after timing still see compilation metadata come
 * and go. The counter is read in a second pass; it counts exactly, so once is enough.
 * `release` frees kept results where the library needs it (tfjs `dispose`).
 */
export async function retained<T>(make: () => T, copies: number, counter: TensorCounter, release?: (kept: T[]) => void, repeats = 3): Promise<Retained> {
  const processBytes: number[] = [];
  if (counter.processVisible) {
    for (let r = 0; r <= repeats; r++) {
      const bytes = await growth(make, copies, compact, dataBytes, release);
      if (r > 0) processBytes.push(bytes); // reading 0 is the warm-up
    }
  }
  counter.start();
  try {
    const tensorBytes = await growth(make, copies, settle, counter.liveBytes, release);
    return { processBytes: counter.processVisible ? median(processBytes) : null, tensorBytes, copies };
  } finally {
    counter.stop(); // tracking costs ~0.25 µs per allocation in torchlet: never leave it on for timing
  }
}

/** V8 heap in use outside the code spaces, plus array-buffer storage. */
function dataBytes(): number {
  const heap = getHeapSpaceStatistics()
    .filter((s) => !s.space_name.startsWith('code'))
    .reduce((sum, s) => sum + s.space_used_size, 0);
  return heap + process.memoryUsage().arrayBuffers;
}

/** Growth of `read()` per kept copy, each reading taken after `quiet()`. */
async function growth<T>(make: () => T, copies: number, quiet: () => Promise<void>, read: () => number, release?: (kept: T[]) => void): Promise<number> {
  const keep: T[] = new Array<T>(copies); // allocated before the first reading, so it is not counted
  await quiet();
  const before = read();
  for (let i = 0; i < copies; i++) keep[i] = make();
  await quiet();
  const after = read();
  release?.(keep);
  keep.fill(undefined as T);
  return (after - before) / copies;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
