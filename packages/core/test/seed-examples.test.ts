import { describe, expect, it } from 'vitest';
import { noGrad, tensor } from '@torchlet/core';

// The seed examples of the core issue, run as written; expected values are PyTorch's output.
describe('seed examples', () => {
  it('y = x² + 2x + 1 at x = 3 has dy/dx = 8', () => {
    const x = tensor(3.0, { requiresGrad: true });
    const y = x.pow(2).add(x.mul(2)).add(1);
    y.backward();
    expect(String(x.grad)).toBe('tensor(8.)');
    expect(y.toString()).toBe('tensor(16., grad_fn=<AddBackward0>)');
  });

  it('d = a·b + a gives a.grad = 4, b.grad = 2', () => {
    const a = tensor(2.0, { requiresGrad: true }), b = tensor(3.0, { requiresGrad: true });
    const d = a.mul(b).add(a);
    d.backward();
    expect(a.grad!.item()).toBe(4);
    expect(b.grad!.item()).toBe(2);
    expect(String(a.grad)).toBe('tensor(4.)');
    expect(String(b.grad)).toBe('tensor(2.)');
  });

  it('noGrad(() => y.add(1)) records nothing', () => {
    const x = tensor(3.0, { requiresGrad: true });
    const y = x.pow(2).add(x.mul(2)).add(1);
    const z = noGrad(() => y.add(1));
    expect(z.item()).toBe(17);
    expect(z.requiresGrad).toBe(false);
    expect(z.gradFn).toBeNull();
    expect(String(z)).toBe('tensor(17.)');
    expect(String(tensor(2.0, { requiresGrad: true }))).toBe('tensor(2., requires_grad=True)');
  });
});
