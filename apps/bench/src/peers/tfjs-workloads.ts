// The five workloads in TensorFlow.js's idiomatic fastest form: intermediates freed by `tf.tidy`,
// outputs by `dispose()` inside the timed call (a tfjs user must pay for that too), dense layers
// as `tf.fused.matMul` with bias and ReLU (what tfjs-layers' Dense runs), training through
// `optimizer.minimize`. tfjs records a graph only inside its gradient functions, so its plain
// forward is the no-grad one (see support() in plan.ts).
import type * as TF from '@tensorflow/tfjs-core';
import { layerInit, pattern, regressionData, SEEDS, transpose } from '../data.js';
import { SHAPES } from '../plan.js';
import type { Workload, WorkloadSet } from '../workloads/task.js';

type Tf = typeof TF;

const disposeAll = (kept: unknown[]) => kept.forEach((t) => (t as TF.Tensor).dispose());

/** A tfjs task whose output is a tensor: timed as compute + dispose, kept alive for memory. */
function tensorTask(make: () => TF.Tensor) {
  return { run: () => make().dispose(), make, release: disposeAll };
}

/** The MLP as tfjs variables: kernels `[in, out]` = the shared `[out, in]` weights transposed. */
function mlp(tf: Tf) {
  const dims = SHAPES.mlp;
  const layers = dims.slice(0, -1).map((inF, k) => {
    const outF = dims[k + 1];
    const init = layerInit(k, inF, outF);
    return {
      kernel: tf.variable(tf.tensor2d(transpose(init.weight, outF, inF), [inF, outF])),
      bias: tf.variable(tf.tensor1d(init.bias)),
      activation: (k < dims.length - 2 ? 'relu' : 'linear') as 'relu' | 'linear',
    };
  });
  const forward = (x: TF.Tensor2D) => layers.reduce<TF.Tensor2D>((h, l) => tf.fused.matMul({ a: h, b: l.kernel, bias: l.bias, activation: l.activation }) as TF.Tensor2D, x);
  const input = (batch: number) => tf.tensor2d(pattern(batch * dims[0], SEEDS.input), [batch, dims[0]]);
  const target = (batch: number) => tf.tensor2d(pattern(batch * dims[dims.length - 1], SEEDS.target), [batch, dims[dims.length - 1]]);
  return { forward, input, target, variables: layers.flatMap((l) => [l.kernel, l.bias]) };
}

function seedLoop(tf: Tf): Workload {
  const one = tf.scalar(1); // made once: tf.add(x, 1) would upload a new scalar tensor per op
  const chain = (start: TF.Scalar) => {
    let x = start;
    for (let i = 0; i < SHAPES.seedChain; i++) x = tf.add(x, one);
    return x;
  };
  const grad = tf.grad((x: TF.Tensor) => chain(x as TF.Scalar));
  return (c) => {
    if (c.phase === 'forward' && c.mode === 'noGrad') return tensorTask(() => tf.tidy(() => chain(tf.scalar(1))));
    if (c.phase === 'forward+backward') return tensorTask(() => tf.tidy(() => grad(tf.scalar(1))));
    return null;
  };
}

function mlpInference(tf: Tf): Workload {
  const m = mlp(tf);
  const x = m.input(SHAPES.inferenceBatch);
  return (c) => (c.phase === 'forward' && c.mode === 'noGrad' ? tensorTask(() => tf.tidy(() => m.forward(x))) : null);
}

function trainStep(tf: Tf): Workload {
  const m = mlp(tf);
  const x = m.input(SHAPES.trainBatch);
  const target = m.target(SHAPES.trainBatch);
  const optimizer = tf.train.sgd(SHAPES.trainLr);
  const loss = () => tf.losses.meanSquaredError(target, m.forward(x)) as TF.Scalar;
  return (c) => {
    if (c.phase === 'step') return { run: () => optimizer.minimize(loss, false, m.variables) };
    if (c.phase === 'forward+loss' && c.mode === 'noGrad') return tensorTask(() => tf.tidy(loss));
    return null;
  };
}

function matmul(tf: Tf): Workload {
  return (c) => {
    if (c.phase !== 'forward' || c.mode !== 'noGrad' || c.size === null) return null;
    const n = c.size;
    const a = tf.tensor2d(pattern(n * n, SEEDS.matA), [n, n]);
    const b = tf.tensor2d(pattern(n * n, SEEDS.matB), [n, n]);
    return tensorTask(() => tf.matMul(a, b));
  };
}

function regression(tf: Tf): Workload {
  const cfg = SHAPES.regression;
  const data = regressionData(cfg.points, cfg.slope, cfg.intercept);
  const x = tf.tensor2d(data.x, [cfg.points, 1]);
  const y = tf.tensor2d(data.y, [cfg.points, 1]);
  const w = tf.variable(tf.zeros([1, 1]));
  const b = tf.variable(tf.zeros([1]));
  const optimizer = tf.train.sgd(cfg.lr);
  const reset = () => tf.tidy(() => (w.assign(tf.fill([1, 1], cfg.initWeight)), b.assign(tf.fill([1], cfg.initBias))));
  const loss = () => tf.losses.meanSquaredError(y, tf.fused.matMul({ a: x, b: w, bias: b })) as TF.Scalar;
  const train = () => {
    for (let epoch = 0; epoch < cfg.epochs - 1; epoch++) optimizer.minimize(loss, false, [w, b]);
    return optimizer.minimize(loss, true, [w, b])!; // the last epoch's loss, as the other libraries report
  };
  return (c) => {
    if (c.phase === 'train') {
      return {
        beforeEach: reset,
        run: () => train().dispose(),
        check: () => {
          reset();
          const last = train();
          const v = last.dataSync()[0];
          last.dispose();
          return v;
        },
      };
    }
    if (c.phase === 'forward+loss' && c.mode === 'noGrad') return (reset(), tensorTask(() => tf.tidy(loss)));
    return null;
  };
}

export function tfjsWorkloads(tf: Tf): WorkloadSet {
  return {
    'seed-loop': () => seedLoop(tf),
    'mlp-inference': () => mlpInference(tf),
    'train-step': () => trainStep(tf),
    matmul: () => matmul(tf),
    regression: () => regression(tf),
  };
}
