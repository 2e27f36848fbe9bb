// The machine-learning half of the playground, free of the DOM: the seeded data sets, the model,
// one training step, the boundary-grid evaluation, and what grad mode changes about it.
import {
  type Tensor, arange, cat, isGradEnabled, manualSeed, memoryStats, noGrad, rand, randn, tensor,
} from '@torchlet/core';
import { CrossEntropyLoss, Linear, ReLU, Sequential } from '@torchlet/nn';
import { Adam } from '@torchlet/optim';

export type DatasetName = 'spirals' | 'moons';

/** Points `x` `[n, 2]` (roughly within [-1, 1]²) and class labels `[n]` (int32, 0 or 1). */
export interface Dataset {
  x: Tensor;
  labels: Tensor;
}

/** Two interleaved spirals winding 1.5 turns, `n` points per class, with Gaussian noise. */
export function twoSpirals(n: number, noise = 0.04): Dataset {
  const t = arange(n, undefined, 1, { dtype: 'float32' }).div(n).mul(3 * Math.PI).add(0.5); // angle
  const r = t.div(3 * Math.PI + 0.5);
  const a = cat([r.mul(t.cos()).unsqueeze(1), r.mul(t.sin()).unsqueeze(1)], 1);
  const x = cat([a, a.neg()], 0).add(randn([2 * n, 2]).mul(noise));
  const labels = cat([arange(n).mul(0), arange(n).mul(0).add(1)]);
  return { x, labels };
}

/** scikit-learn's two moons, `n` points per class, centred and scaled into [-1, 1]². */
export function twoMoons(n: number, noise = 0.1): Dataset {
  const t = rand([n]).mul(Math.PI);
  const upper = cat([t.cos().unsqueeze(1), t.sin().unsqueeze(1)], 1);
  const lower = cat([t.cos().neg().add(1).unsqueeze(1), t.sin().neg().add(0.5).unsqueeze(1)], 1);
  const x = cat([upper, lower], 0).add(randn([2 * n, 2]).mul(noise)).sub(tensor([0.5, 0.25])).mul(0.62);
  const labels = cat([arange(n).mul(0), arange(n).mul(0).add(1)]);
  return { x, labels };
}

/** The classifier: an MLP from 2-D points to two class logits. */
export function makeModel(hidden = 32): Sequential {
  return new Sequential(new Linear(2, hidden), new ReLU(), new Linear(hidden, hidden), new ReLU(), new Linear(hidden, 2));
}

/** Everything one training run needs; `reset` builds it from a seed. */
export class Trainer {
  readonly data: Dataset;
  readonly model: Sequential;
  readonly optimizer: Adam;
  readonly lossFn = new CrossEntropyLoss();
  /** Loss after each step, in order. */
  readonly losses: number[] = [];

  constructor(readonly dataset: DatasetName, readonly seed: number, pointsPerClass = 100, lr = 0.02) {
    manualSeed(seed);
    this.data = dataset === 'spirals' ? twoSpirals(pointsPerClass) : twoMoons(pointsPerClass);
    this.model = makeModel();
    this.optimizer = new Adam(this.model.parameters(), { lr });
  }

  get steps(): number {
    return this.losses.length;
  }

  /** One full-batch step: forward, loss, backward, update. Returns the loss before the update. */
  step(): number {
    this.optimizer.zeroGrad();
    const loss = this.lossFn.forward(this.model.forward(this.data.x), this.data.labels);
    loss.backward();
    this.optimizer.step();
    const value = loss.item();
    this.losses.push(value);
    return value;
  }

  /** Share of training points classified correctly (evaluated under noGrad). */
  accuracy(): number {
    return noGrad(() => this.model.forward(this.data.x).argmax(1).eq(this.data.labels).float().mean().item());
  }
}

/** The square of the plane the page shows, and the points of the boundary grid in it. */
export const VIEW = { min: -1.25, max: 1.25 };

/** `size × size` grid points at the cell centres of VIEW, row-major from the top-left (y decreasing down the rows). */
export function makeGrid(size: number): Tensor {
  const data = new Float32Array(size * size * 2);
  const cell = (VIEW.max - VIEW.min) / size;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = 2 * (row * size + col);
      data[i] = VIEW.min + (col + 0.5) * cell;
      data[i + 1] = VIEW.max - (row + 0.5) * cell;
    }
  }
  return tensor(data, { shape: [size * size, 2] });
}

/** The probability of class 1 at each grid point, as an output tensor `[points]`. Records the graph iff grad mode is on. */
export function classOneProbability(model: Sequential, grid: Tensor): Tensor {
  return model.forward(grid).softmax(1).select(1, 1);
}

export type EvalMode = 'grad' | 'noGrad';

/** The boundary-grid evaluation in `mode`: the output tensor (kept by the caller) and its values. */
export function evaluateGrid(model: Sequential, grid: Tensor, mode: EvalMode): { out: Tensor; values: number[] } {
  const out = mode === 'noGrad' ? noGrad(() => classOneProbability(model, grid)) : classOneProbability(model, grid);
  return { out, values: out.tolist() as number[] };
}

/** Nodes of the autograd graph reachable from `t.gradFn` (public `gradFn` / `nextFunctions` walk). */
export function graphNodes(t: Tensor): number {
  const seen = new Set<unknown>();
  const stack = t.gradFn === null ? [] : [t.gradFn];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const [next] of node.nextFunctions) if (next !== null && !seen.has(next)) stack.push(next);
  }
  return seen.size;
}

/** What one grid evaluation costs in one grad mode. */
export interface ModeCost {
  mode: EvalMode;
  /** Median milliseconds per evaluation (performance.now over blocks of `perBlock` evaluations). */
  ms: number;
  blocks: number;
  perBlock: number;
  /** Graph nodes the output keeps reachable (0 under noGrad). */
  nodes: number;
  /** memoryStats().liveBytes growth over one evaluation, before any garbage collection: storage allocated. */
  allocatedBytes: number;
  /** memoryStats().liveBytes growth after forced garbage collection, output still held: storage it keeps alive; null without a gc() hook. */
  retainedBytes: number | null;
  /** Whether grad mode was on inside the evaluation (isGradEnabled()). */
  recorded: boolean;
}

type Now = () => number;
type Gc = (() => void) | null;

/** Forces a full garbage collection and lets FinalizationRegistry callbacks (memoryStats' bookkeeping) run. */
async function collect(gc: NonNullable<Gc>): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 0));
  }
}

/**
 * Measures the boundary-grid evaluation with grad recording on and under noGrad, on the same model
 * and grid. Time: modes interleaved, each timed over blocks of evaluations long enough for the
 * clock's resolution (browsers coarsen performance.now()), median over blocks. Memory: see ModeCost.
 */
export async function measureModes(model: Sequential, grid: Tensor, opts: { now: Now; gc: Gc; targetBlockMs?: number; blocks?: number }): Promise<ModeCost[]> {
  const { now, gc } = opts;
  const targetBlockMs = opts.targetBlockMs ?? 10;
  const blocks = opts.blocks ?? 25;
  const modes: EvalMode[] = ['grad', 'noGrad'];
  const run = (mode: EvalMode) => evaluateGrid(model, grid, mode);
  // warm up, then size the blocks so each lasts about targetBlockMs
  for (const mode of modes) for (let i = 0; i < 3; i++) run(mode);
  let t0 = now();
  run('grad');
  const single = Math.max(now() - t0, 0.01);
  const perBlock = Math.max(1, Math.min(200, Math.round(targetBlockMs / single)));
  const times: Record<EvalMode, number[]> = { grad: [], noGrad: [] };
  for (let b = 0; b < blocks; b++) {
    for (const mode of b % 2 === 0 ? modes : [...modes].reverse()) {
      t0 = now();
      for (let i = 0; i < perBlock; i++) run(mode);
      times[mode].push((now() - t0) / perBlock);
    }
    await new Promise((r) => setTimeout(r, 0)); // let the page paint and handle input between blocks
  }
  const out: ModeCost[] = [];
  for (const mode of modes) {
    const memory = await measureMemory(model, grid, mode, gc);
    out.push({ mode, ms: median(times[mode]), blocks, perBlock, ...memory });
  }
  return out;
}

// In its own call so that no output of an earlier measurement is still referenced from this frame.
async function measureMemory(model: Sequential, grid: Tensor, mode: EvalMode, gc: Gc): Promise<Pick<ModeCost, 'nodes' | 'allocatedBytes' | 'retainedBytes' | 'recorded'>> {
  if (gc !== null) await collect(gc);
  const before = memoryStats().liveBytes;
  let recorded = false;
  const body = () => {
    recorded = isGradEnabled();
    return classOneProbability(model, grid);
  };
  const result = mode === 'noGrad' ? noGrad(body) : body();
  const allocatedBytes = memoryStats().liveBytes - before;
  let retainedBytes: number | null = null;
  if (gc !== null) {
    await collect(gc);
    retainedBytes = memoryStats().liveBytes - before;
  }
  const nodes = graphNodes(result); // also keeps `result` alive until here
  return { nodes, allocatedBytes, retainedBytes, recorded };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
