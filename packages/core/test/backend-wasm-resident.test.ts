import { describe, expect, it } from 'vitest';
import { getBackend, manualSeed, noGrad, randn, setBackend, type Tensor } from '@torchlet/core';

// The wasm backend keeps results and updated parameters resident (tagged with the storage
// version); whatever sequence of in-place updates runs, every read must see current values.
// The same sequence runs on both backends and must agree.
function trainLikeSequence(backend: string): number[][] {
  const previous = getBackend();
  setBackend(backend);
  try {
    manualSeed(11);
    const w = randn([96, 80], { requiresGrad: true }); // 7,680 elements: large enough for wasm kernels
    const x = randn([64, 80]);
    const seen: number[][] = [];
    const snapshot = (t: Tensor) => seen.push((t.reshape(-1).tolist() as number[]).filter((_, i) => i % 97 === 0));
    for (let step = 0; step < 6; step++) {
      w.grad = null;
      const y = x.matmul(w.t()); // reads w (packed from its resident copy after the first update)
      y.square().sum().backward(); // w.grad is a fresh matmul result, kept resident
      snapshot(y);
      noGrad(() => {
        w.add_(w.grad!, -1e-4); // axpy on the resident copy, re-tagged as the next version
        if (step === 2) w.mul_(0.5); // another in-place op: must invalidate the resident copy
        if (step === 4) w.narrow(0, 0, 10).fill_(0.25); // a write through a view
      });
      snapshot(w);
      snapshot(w.grad!);
    }
    return seen;
  } finally {
    setBackend(previous);
  }
}

describe('wasm resident copies stay in step with in-place updates', () => {
  it('matches the JavaScript backend through updates, rescaling and writes through views', () => {
    const js = trainLikeSequence('js');
    const wasm = trainLikeSequence('wasm');
    expect(wasm.length).toBe(js.length);
    js.forEach((row, i) => row.forEach((v, j) => expect(wasm[i][j]).toBeCloseTo(v, 3)));
  });
});
