// Scratch measurement of the WebAssembly kernels (not a test): matmul GFLOP/s with one and two
// threads, and the MLP 784-256-256-10 forward (batch 64) and training step (batch 128) through
// torchlet ops, on the wasm and the JavaScript backends. Medians of repeated runs.
//   npx tsx scripts/bench-wasm.ts [--quick]
import {
  getBackend, getNumThreads, matmul, noGrad, randn, relu, setBackend, setNumThreads, type Tensor,
} from '../packages/core/src/index.ts';
import { kernels } from '../packages/core/src/backend/registry.ts';

const quick = process.argv.includes('--quick');

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, reps: number, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

function gemm(n: number, threads: number): string {
  setNumThreads(threads);
  const a = randn([n, n]), b = randn([n, n]);
  const reps = n >= 1024 ? (quick ? 5 : 11) : n >= 512 ? 21 : 201;
  const ms = time(() => matmul(a, b), reps, n >= 1024 ? 3 : 10);
  return `${((2 * n ** 3) / ms / 1e6).toFixed(1)} GFLOP/s (${ms.toFixed(3)} ms)`;
}

// Linear layers as nn.Linear computes them: x·Wᵀ + b
function linear(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return matmul(x, w.t()).add(b);
}

const sizes = [784, 256, 256, 10];
function mlp(requiresGrad: boolean) {
  const params: Tensor[] = [];
  for (let i = 0; i < 3; i++) {
    const w = randn([sizes[i + 1], sizes[i]], { requiresGrad }).mul(1 / Math.sqrt(sizes[i])).detach();
    const b = randn([sizes[i + 1]]).mul(0.01).detach();
    w.requiresGrad_(requiresGrad);
    b.requiresGrad_(requiresGrad);
    params.push(w, b);
  }
  const forward = (x: Tensor) => {
    let h = x;
    for (let i = 0; i < 3; i++) {
      h = linear(h, params[2 * i], params[2 * i + 1]);
      if (i < 2) h = relu(h);
    }
    return h;
  };
  return { params, forward };
}

function mlpForward(): string {
  const { forward } = mlp(false);
  const x = randn([64, 784]);
  const ms = time(() => noGrad(() => forward(x)), quick ? 51 : 301, 50);
  return `${ms.toFixed(3)} ms`;
}

// The same forward through the optional fused `Backend.linear` kernel (x·Wᵀ + b, relu), called
// directly: what an ops-level linear op wired to it would cost.
function mlpForwardFused(): string {
  const { params } = mlp(false);
  const x = randn([64, 784]);
  const layer = (h: Float32Array, rows: number, i: number): Float32Array => {
    const w = params[2 * i], b = params[2 * i + 1];
    const [n, k] = w.shape;
    const out = new Float32Array(rows * n);
    kernels().linear!(
      { data: h, offset: 0, batchStride: 0, rowStride: k, colStride: 1 },
      { data: w._data, version: w.version, offset: 0, batchStride: 0, rowStride: 1, colStride: k },
      { data: b._data, version: b.version, offset: 0, strides: [1] }, i < 2, 1, rows, k, n, out,
    );
    return out;
  };
  const ms = time(() => layer(layer(layer(x._data as Float32Array, 64, 0), 64, 1), 64, 2), quick ? 51 : 301, 50);
  return `${ms.toFixed(3)} ms`;
}

function trainStep(): string {
  const { params, forward } = mlp(true);
  const x = randn([128, 784]), y = randn([128, 10]);
  const lr = 0.01;
  const step = () => {
    const loss = forward(x).sub(y).square().mean();
    loss.backward();
    noGrad(() => {
      for (const p of params) {
        p.sub_(p.grad!.mul(lr));
        p.grad = null;
      }
    });
  };
  const ms = time(step, quick ? 31 : 201, 30);
  return `${ms.toFixed(3)} ms`;
}

for (const backend of ['wasm', 'js']) {
  setBackend(backend);
  console.log(`backend ${getBackend()}`);
  const ns = backend === 'js' ? [128, 512] : [128, 512, 1024];
  for (const n of ns) {
    const one = gemm(n, 1);
    const two = backend === 'wasm' ? `, 2 threads ${gemm(n, 2)}` : '';
    console.log(`  matmul n=${n}: 1 thread ${one}${two}`);
  }
  setNumThreads(2);
  console.log(`  MLP 784-256-256-10 forward, batch 64, noGrad (threads ${getNumThreads()}): ${mlpForward()}`);
  console.log(`  the same forward through the fused linear kernel: ${mlpForwardFused()}`);
  console.log(`  MLP training step, batch 128, MSE + backward + SGD: ${trainStep()}`);
}
