import { describe, expect, it } from 'vitest';
import { tensor } from '@torchlet/core';

describe('deep graphs', () => {
  it('backward through a 100,000-op chain does not overflow the stack', () => {
    const x = tensor(1.0, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = i % 2 === 0 ? y.add(1) : y.mul(1);
    expect(y.item()).toBe(50_001);
    y.backward();
    expect(x.grad!.item()).toBe(1);
  });

  it('sums gradients of a tensor used many times (diamond graph)', () => {
    const x = tensor(2.0, { requiresGrad: true });
    let acc = x.mul(0);
    for (let i = 0; i < 1000; i++) acc = acc.add(x.mul(x));
    acc.backward();
    expect(x.grad!.item()).toBe(4000); // 1000 · 2x
  });
});
