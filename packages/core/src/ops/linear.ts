// A fully connected layer, `x·Wᵀ + b` (torch.nn.functional.linear). The 2-D case with a bias is
// one fused op recorded as PyTorch's AddmmBackward0; other ranks are built around it exactly as
// PyTorch builds them (a view to 2-D and back), so grad_fn names match.
import { defineRules } from '../autograd/node.js';
import { produced, recordMany, wouldRecord } from '../autograd/record.js';
import type { MatrixOperand } from '../backend/backend.js';
import { kernels } from '../backend/registry.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { empty, type Tensor } from '../tensor.js';
import { add, relu } from './elementwise.js';
import { matmul } from './matmul.js';
import { reshape, t, transpose } from './movement.js';
import { checkTensor, strided } from './operand.js';
import { sum } from './reduce.js';

const rules = defineRules({
  // d(b + x·Wᵀ) = Σ g over rows, g·W, gᵀ·x   (gᵀ·x is W's own [out, in] layout: no transposed copy)
  AddmmBackward0: (n, g) => {
    const x = n.saved(0), w = n.saved(1);
    return [
      n.needsInputGrad(0) ? sum(g, 0) : null,
      n.needsInputGrad(1) ? matmul(g, w) : null,
      n.needsInputGrad(2) ? matmul(transpose(g, 0, 1), x) : null,
    ];
  },
});

/** The names of the backward rules defined in this file. */
export type LinearGradFn = keyof typeof rules;
/** This file's backward rules, by PyTorch name. @internal */
export const linearRules = rules;

function matrix(t: Tensor, rowStride: number, colStride: number): MatrixOperand {
  return { data: t._data, version: t._version === null ? 0 : t._version.value, offset: t._offset, batchStride: 0, rowStride, colStride };
}

/** `bias + x·Wᵀ` (then relu) for 2-D `x` in one kernel, outside any graph. */
function fusedKernel(bias: Tensor, x: Tensor, weight: Tensor, withRelu: boolean): Tensor | null {
  const backend = kernels();
  if (backend.linear === undefined) return null;
  const [m, inFeatures] = x.shape;
  const n = weight.shape[0];
  const out = empty([m, n], x.dtype);
  // Wᵀ as an [in, out] operand: element (i, j) is W[j, i]
  const w = matrix(weight, weight._strides[1], weight._strides[0]);
  backend.linear(matrix(x, x._strides[0], x._strides[1]), w, strided(bias), withRelu, 1, m, inFeatures, n, out._data);
  return out;
}

/** `bias + x·Wᵀ` for 2-D `x`: one kernel when the backend has a fused linear, else matmul then add. */
function addmm(bias: Tensor, x: Tensor, weight: Tensor): Tensor {
  const out = fusedKernel(bias, x, weight, false) ?? add(matmul(x, t(weight)).detach(), bias.detach());
  const node = recordMany(rules.AddmmBackward0, out, [bias, x, weight]);
  node?.save(x, weight);
  return out;
}

/**
 * `relu(input·weightᵀ + bias)` (a Linear layer followed by ReLU). Where no graph is recorded it
 * is one fused kernel; while recording it is `relu(linear(...))`, so the graph is PyTorch's
 * (ReluBackward0 over AddmmBackward0). Values are the same either way.
 */
export function linearRelu(input: Tensor, weight: Tensor, bias: Tensor): Tensor {
  checkTensor(input, 'linear');
  checkTensor(weight, 'linear', 'weight');
  if (!fusable(input, weight, bias) || wouldRecord(input, weight, bias)) return relu(linear(input, weight, bias));
  const x = input.shape.length === 2 ? input : reshape(input, [-1, weight.shape[1]]);
  const y = fusedKernel(bias, x, weight, true);
  if (y === null) return relu(linear(input, weight, bias));
  produced(y);
  return input.shape.length === 2 ? y : reshape(y, [...input.shape.slice(0, -1), weight.shape[0]]);
}

/** The case the fused kernel handles: [*, in] (at least 2-D) · [out, in]ᵀ + [out], one dtype, matching sizes. */
function fusable(input: Tensor, weight: Tensor, bias: Tensor | null | undefined): bias is Tensor {
  return (
    bias instanceof Object && weight.shape.length === 2 && input.shape.length >= 2 && bias.shape.length === 1 &&
    bias.shape[0] === weight.shape[0] && input.shape[input.shape.length - 1] === weight.shape[1] &&
    input.dtype === weight.dtype && bias.dtype === input.dtype
  );
}

/**
 * `input·weightᵀ + bias` (`torch.nn.functional.linear`): `input` is `[*, in]`, `weight`
 * `[out, in]`, `bias` `[out]`; the result is `[*, out]`.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor(input, 'linear');
  checkTensor(weight, 'linear', 'weight');
  const hasBias = bias !== undefined && bias !== null;
  if (hasBias) checkTensor(bias, 'linear', 'bias');
  if (input.dtype !== weight.dtype || (hasBias && bias.dtype !== input.dtype)) {
    throw new DTypeError(`linear(): expected input, weight and bias of the same dtype, got ${input.dtype}, ${weight.dtype}${hasBias ? `, ${bias.dtype}` : ''}`);
  }
  const fused = hasBias && weight.shape.length === 2 && input.shape.length >= 2 && bias.shape.length === 1 && bias.shape[0] === weight.shape[0];
  if (!fused) {
    const out = matmul(input, weight.shape.length === 2 ? t(weight) : weight);
    return hasBias ? add(out, bias) : out;
  }
  const inFeatures = weight.shape[1];
  if (input.shape[input.shape.length - 1] !== inFeatures) {
    const rows = input.numel() / Math.max(input.shape[input.shape.length - 1], 1);
    throw new ShapeError(
      `mat1 and mat2 shapes cannot be multiplied (${rows}x${input.shape[input.shape.length - 1]} and ${inFeatures}x${weight.shape[0]}); ` +
        `input is ${fmtShape(input.shape)}, weight is ${fmtShape(weight.shape)}`,
    );
  }
  if (input.shape.length === 2) return addmm(bias, input, weight);
  // [*, in] → [rows, in] → addmm → [*, out], as PyTorch records it (ViewBackward0 around AddmmBackward0)
  const y = addmm(bias, reshape(input, [-1, inFeatures]), weight);
  return reshape(y, [...input.shape.slice(0, -1), weight.shape[0]]);
}
