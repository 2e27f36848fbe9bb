import { describe, expect, it } from 'vitest';
import { inferenceMode, manualSeed, noGrad, randn, type Tensor } from '@torchlet/core';
import { Linear, ReLU, Sequential } from '@torchlet/nn';

// Sequential runs Linear+ReLU as one fused kernel where no graph is recorded; nothing observable changes.
describe('Sequential Linear+ReLU fusion', () => {
  const build = () => {
    manualSeed(3);
    return new Sequential(new Linear(100, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 4));
  };
  const x = randn([64, 100]); // large enough for the WebAssembly kernels

  it('gives bit-identical outputs with and without recording, and for 3-D inputs', () => {
    const model = build();
    const recorded = model.forward(x);
    const fused = noGrad(() => model.forward(x));
    const inference = inferenceMode(() => model.forward(x));
    expect(fused.tolist()).toEqual(recorded.tolist());
    expect(inference.tolist()).toEqual(recorded.tolist());
    const x3 = x.reshape(8, 8, 100);
    expect(noGrad(() => model.forward(x3)).reshape(64, 4).tolist()).toEqual(recorded.tolist());
  });

  it("keeps PyTorch's graph while recording", () => {
    const model = new Sequential(new Linear(100, 16), new ReLU());
    const y = model.forward(x);
    expect(y.gradFn!.name).toBe('ReluBackward0');
    expect(y.gradFn!.nextFunctions[0][0]!.name).toBe('AddmmBackward0');
  });

  it('still runs forward hooks (no fusion for modules with hooks)', () => {
    const model = build();
    const seen: number[][] = [];
    model.at(1).registerForwardHook((_m, _inputs, out) => void seen.push((out as Tensor).shape.slice()));
    const y = noGrad(() => model.forward(x));
    expect(seen).toEqual([[64, 64]]);
    expect(y.tolist()).toEqual(build().forward(x).tolist());
  });
});
