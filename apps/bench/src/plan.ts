// What a run measures: the workloads, their cases (phase × grad mode), the presets, and which
// library can run which case. The parent process builds one plan and hands the same case list to
// every library, so peers run exactly the workloads torchlet runs.
import type { TimeBudget } from './measure.js';

export const WORKLOADS = ['seed-loop', 'mlp-inference', 'train-step', 'matmul', 'regression'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

/** Grad recording on (parameters/leaves require grad), `noGrad`, or `inferenceMode`. */
export type Mode = 'grad' | 'noGrad' | 'inferenceMode';
/** `forward, 1 thread`: torchlet's matmul with its kernel thread pool limited to one thread. */
export type Phase = 'forward' | 'forward, 1 thread' | 'backward' | 'forward+backward' | 'forward+loss' | 'step' | 'train';

export const LIBRARIES = ['torchlet', 'tfjs-cpu', 'tfjs-wasm', 'pytorch'] as const;
export type LibraryId = (typeof LIBRARIES)[number];

/** One measured thing: a workload at one size, one phase, one grad mode. */
export interface CaseSpec {
  /** Stable key, e.g. `matmul-512/forward/noGrad`. */
  id: string;
  workload: WorkloadId;
  /** Matrix size for matmul, null for the fixed-shape workloads. */
  size: number | null;
  phase: Phase;
  mode: Mode;
  /** Outputs kept alive together to measure retained memory; 0 where no output outlives the call. */
  memoryCopies: number;
  /** Floating-point operations per call (matmul 2n³), for GFLOP/s. */
  flops: number | null;
  /** Tensor ops per call (seed loop: 1,000 adds), for the per-op cost. */
  opsPerCall: number | null;
}

/** Fixed shapes and hyper-parameters: every library reads these, none types its own. */
export const SHAPES = {
  seedChain: 1000,
  mlp: [784, 256, 256, 10] as const,
  inferenceBatch: 64,
  trainBatch: 128,
  trainLr: 0.01,
  // The seed regression of examples/seed-training-loop.ts: x = 1, 2, 3; y = 2x; from w = 0.5, b = 0.
  regression: { points: 3, epochs: 100, lr: 0.01, initWeight: 0.5, initBias: 0, slope: 2, intercept: 0 },
} as const;

export interface Preset {
  name: 'quick' | 'full' | 'smoke';
  budget: TimeBudget;
  matmulSizes: number[];
  /** Upper bound on memory copies (the smoke preset keeps it tiny). */
  maxCopies: number;
}

export const PRESETS: Record<Preset['name'], Preset> = {
  quick: { name: 'quick', budget: { warmupMs: 200, warmupSamples: 2, timeMs: 1000, minSamples: 4, rounds: 4 }, matmulSizes: [128, 512, 1024], maxCopies: 128 },
  full: { name: 'full', budget: { warmupMs: 500, warmupSamples: 3, timeMs: 3000, minSamples: 12, rounds: 6 }, matmulSizes: [128, 512, 1024], maxCopies: 128 },
  // Hidden, for the CLI smoke test: proves every code path runs and every field is filled, fast.
  smoke: { name: 'smoke', budget: { warmupMs: 1, warmupSamples: 1, timeMs: 5, minSamples: 2, rounds: 2 }, matmulSizes: [128], maxCopies: 2 },
};

/** Memory copies per workload: enough that GC noise averages out, few enough to stay small. */
function copiesFor(workload: WorkloadId, size: number | null): number {
  if (workload === 'matmul') return size! <= 128 ? 32 : size! <= 512 ? 8 : 2;
  if (workload === 'train-step') return 8;
  if (workload === 'mlp-inference') return 16;
  if (workload === 'regression') return 128; // its graphs are a few KiB: more copies, less noise per copy
  return 32;
}

function spec(workload: WorkloadId, size: number | null, phase: Phase, mode: Mode, preset: Preset): CaseSpec {
  const keepsOutput = phase === 'forward' || phase === 'forward+loss';
  return {
    id: `${workload}${size === null ? '' : `-${size}`}/${phase}/${mode}`,
    workload,
    size,
    phase,
    mode,
    memoryCopies: keepsOutput ? Math.min(copiesFor(workload, size), preset.maxCopies) : 0,
    flops: workload === 'matmul' ? 2 * size! ** 3 : null,
    opsPerCall: workload === 'seed-loop' ? SHAPES.seedChain : null,
  };
}

/** Every case of one workload, in run order. */
export function casesOf(workload: WorkloadId, preset: Preset): CaseSpec[] {
  const s = (phase: Phase, mode: Mode, size: number | null = null) => spec(workload, size, phase, mode, preset);
  switch (workload) {
    case 'seed-loop':
      return [s('forward', 'grad'), s('forward', 'noGrad'), s('forward', 'inferenceMode'), s('backward', 'grad'), s('forward+backward', 'grad')];
    case 'mlp-inference':
      return [s('forward', 'grad'), s('forward', 'noGrad'), s('forward', 'inferenceMode')];
    case 'train-step':
      return [s('step', 'grad'), s('forward+loss', 'grad'), s('forward+loss', 'noGrad')];
    case 'matmul':
      return preset.matmulSizes.flatMap((n) => [s('forward', 'grad', n), s('forward', 'noGrad', n), s('forward, 1 thread', 'noGrad', n)]);
    case 'regression':
      return [s('train', 'grad'), s('forward+loss', 'grad'), s('forward+loss', 'noGrad')];
  }
}

/** How a library takes part in a case: measured, derived from other cases, or not at all. */
export type Support = 'measured' | 'derived' | null;

/**
 * tfjs records no graph outside `tf.grad`/`variableGrads`/`minimize`, so its plain forward is the
 * no-grad one, it has no inference mode, and backward alone can only be derived (fwd+bwd − fwd).
 */
export function support(library: LibraryId, c: CaseSpec): Support {
  // the peers run single-threaded anyway (the report states each library's threads)
  if (c.phase === 'forward, 1 thread') return library === 'torchlet' ? 'measured' : null;
  if (library === 'torchlet' || library === 'pytorch') return 'measured';
  if (c.phase === 'backward') return 'derived';
  if (c.phase === 'forward' || c.phase === 'forward+loss') return c.mode === 'noGrad' ? 'measured' : null;
  return 'measured';
}

/** Selects workloads by comma-separated names or prefixes (`seed`, `matmul,train-step`). */
export function selectWorkloads(filter: string | null): WorkloadId[] {
  if (filter === null) return [...WORKLOADS];
  const wanted = filter.split(',').map((f) => f.trim()).filter((f) => f.length > 0);
  const picked = new Set<WorkloadId>();
  for (const w of wanted) {
    const hits = WORKLOADS.filter((id) => id.startsWith(w));
    if (hits.length === 0) throw new Error(`--filter: no workload matches "${w}"; workloads: ${WORKLOADS.join(', ')}`);
    hits.forEach((h) => picked.add(h));
  }
  return WORKLOADS.filter((w) => picked.has(w));
}

/** The full case list of a run. */
export function planCases(workloads: readonly WorkloadId[], preset: Preset): CaseSpec[] {
  return workloads.flatMap((w) => casesOf(w, preset));
}

/** Workload plus size, as shown to users: `matmul 512`, `seed-loop`. */
export function workloadLabel(c: Pick<CaseSpec, 'workload' | 'size'>): string {
  return c.size === null ? c.workload : `${c.workload} ${c.size}`;
}

/** Cases compared with each other (the grad modes of one workload, size and phase) share a key. */
export function comparisonKey(c: Pick<CaseSpec, 'workload' | 'size' | 'phase'>): string {
  return `${c.workload}|${c.size}|${c.phase}`;
}

/** Splits cases into comparison groups, in plan order. */
export function comparisonGroups<T extends Pick<CaseSpec, 'workload' | 'size' | 'phase'>>(cases: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const c of cases) groups.set(comparisonKey(c), [...(groups.get(comparisonKey(c)) ?? []), c]);
  return [...groups.values()];
}
