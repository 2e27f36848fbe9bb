// Fused neural-network ops with their own kernels: softmax and log-softmax along a dim.
import { defineRules } from '../autograd/node.js';
import { record } from '../autograd/record.js';
import { kernels } from '../backend/registry.js';
import { isFloating, scalarTypeName } from '../dtype.js';
import { DTypeError } from '../errors.js';
import { normalizeDim, numelOf } from '../shape.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { exp, mul, sub } from './elementwise.js';
import { contiguous } from './movement.js';
import { checkTensor } from './operand.js';
import { sum } from './reduce.js';

const rules = defineRules({
  // d softmax = y·(g - Σ(g·y))   (saves the output)
  SoftmaxBackward0: (n, g) => {
    const y = n.saved(0);
    return [mul(y, sub(g, sum(mul(g, y), n.ctx, true)))];
  },
  // d logSoftmax = g - eʸ·Σg   (saves the output)
  LogSoftmaxBackward0: (n, g) => [sub(g, mul(exp(n.saved(0)), sum(g, n.ctx, true)))],
});

/** The names of the backward rules defined in this file. */
export type NnGradFn = keyof typeof rules;
/** This file's backward rules, by PyTorch name. @internal */
export const nnRules = rules;

function softmaxLike(x: Tensor, dim: number, log: boolean): Tensor {
  const op = log ? 'logSoftmax' : 'softmax';
  checkTensor(x, op);
  if (!isFloating(x.dtype)) {
    throw new DTypeError(`${op}(): "${op}" not implemented for '${scalarTypeName(x.dtype)}' (${x.dtype}); convert with x.float() first`);
  }
  const d = normalizeDim(dim, x.shape.length, op);
  const c = contiguous(x);
  const out = emptyLike(c);
  const size = x.shape.length === 0 ? 1 : x.shape[d];
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const src = c._offset === 0 ? c._data : c._data.subarray(c._offset);
  if (size > 0) kernels().softmax(src, outer, size, inner, log, out._data);
  const node = record(log ? rules.LogSoftmaxBackward0 : rules.SoftmaxBackward0, out, x);
  if (node !== null) {
    node.save(out);
    node.ctx = d;
  }
  return out;
}

/** Softmax along `dim` (`torch.softmax`). */
export function softmax(x: Tensor, dim: number): Tensor {
  return softmaxLike(x, dim, false);
}

/** Log-softmax along `dim`, computed stably (`torch.log_softmax`). */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return softmaxLike(x, dim, true);
}
