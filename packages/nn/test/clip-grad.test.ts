// clip_grad_norm_ / clip_grad_value_ against PyTorch (fixtures/clip.json).
import { describe, expect, it } from 'vitest';
import { ArgumentError, tensor, zeros, zerosLike } from '@torchlet/core';
import { Parameter, utils } from '@torchlet/nn';
import { expectClose, fixture, fromJSON, type TensorJSON } from './helpers.js';

interface ClipCase {
  name: string;
  kind: 'norm' | 'value';
  normType?: number | string;
  maxNorm?: number;
  clipValue?: number;
  grads: (TensorJSON | null)[];
  total?: TensorJSON;
  clipped: (TensorJSON | null)[];
}
const { cases } = fixture<{ cases: ClipCase[] }>('clip.json');

function params(grads: (TensorJSON | null)[]): Parameter[] {
  return grads.map((g) => {
    if (g === null) return new Parameter(zeros([2]));
    const p = new Parameter(zerosLike(fromJSON(g)));
    p.grad = fromJSON(g);
    return p;
  });
}

describe('gradient clipping matches PyTorch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const ps = params(c.grads);
      if (c.kind === 'norm') {
        const normType = c.normType === 'inf' ? Infinity : (c.normType as number);
        const total = utils.clipGradNorm_(ps, c.maxNorm!, normType);
        expectClose(total, c.total!, 'total norm');
      } else {
        utils.clipGradValue_(ps, c.clipValue!);
      }
      c.clipped.forEach((g, i) => {
        if (g === null) expect(ps[i].grad).toBeNull();
        else expectClose(ps[i].grad, g, `grad ${i}`);
      });
    });
  }

  it('returns tensor(0.) without gradients, accepts a single tensor, and can refuse non-finite norms', () => {
    expect(utils.clipGradNorm_([new Parameter(zeros([2]))], 1).toString()).toBe('tensor(0.)');
    const p = new Parameter(zeros([2]));
    p.grad = tensor([3, 4]);
    expect(utils.clipGradNorm_(p, 1).item()).toBe(5);
    p.grad = tensor([Infinity, 1]);
    expect(() => utils.clipGradNorm_(p, 1, 2, { errorIfNonfinite: true })).toThrow(ArgumentError);
  });
});
