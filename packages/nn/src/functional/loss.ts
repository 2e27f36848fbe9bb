// Loss functions with PyTorch's formulas, reductions and checks. Regression losses compose core
// ops; NLL gathers with ignored targets masked out; cross entropy follows ATen's three paths
// (class indices, indices with label smoothing, class probabilities); BCE takes PyTorch's own
// gradient formula (finite where x is exactly 0 or 1, where the composed gradient is NaN).
import { ArgumentError, DTypeError, DimError, noGrad, rsub, ShapeError, type Tensor, where } from '@torchlet/core';
import {
  applyReduction, checkFloating, checkNumber, checkReduction, checkSameShape, checkTensor, fmtShape, type Reduction,
} from '../internal/checks.js';
import { withGradient } from '../internal/custom-grad.js';

/** `{ reduction }`: how per-element losses are combined (default `'mean'`). */
export interface ReductionOptions {
  /** `'mean'` (default), `'sum'`, or `'none'` for the per-element losses. */
  reduction?: Reduction;
}

function prepare(input: Tensor, target: Tensor, options: ReductionOptions, op: string): Reduction {
  checkTensor(input, op);
  checkTensor(target, op, 'target');
  checkFloating(input, op);
  checkFloating(target, op, 'target');
  checkSameShape(input, target, op);
  return checkReduction(options.reduction ?? 'mean', op);
}

/** Mean squared error `(input - target)²` (`F.mse_loss`). Shapes must be equal. */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = prepare(input, target, options, 'mseLoss');
  const d = input.sub(target);
  return applyReduction(d.mul(d), reduction);
}

/** Mean absolute error `|input - target|` (`F.l1_loss`). */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = prepare(input, target, options, 'l1Loss');
  return applyReduction(input.sub(target).abs(), reduction);
}

/** Smooth L1 (`F.smooth_l1_loss`): `0.5·z²/beta` where `z = |input - target| < beta`, else `z - 0.5·beta`; beta 0 is L1. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  const reduction = prepare(input, target, options, 'smoothL1Loss');
  const beta = options.beta ?? 1;
  checkNumber(beta, 'smoothL1Loss', 'beta');
  if (beta < 0) throw new ArgumentError('smoothL1Loss(): smooth_l1_loss does not support negative values for beta.');
  const z = input.sub(target).abs();
  if (beta === 0) return applyReduction(z, reduction);
  const loss = where(z.lt(beta), z.mul(0.5).mul(z).div(beta), z.sub(0.5 * beta));
  return applyReduction(loss, reduction);
}

/** Huber loss (`F.huber_loss`): `0.5·z²` where `z = |input - target| < delta`, else `delta·(z - 0.5·delta)`. */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  const reduction = prepare(input, target, options, 'huberLoss');
  const delta = options.delta ?? 1;
  checkNumber(delta, 'huberLoss', 'delta');
  if (delta <= 0) throw new ArgumentError('huberLoss(): huber_loss does not support non-positive values for delta.');
  const z = input.sub(target).abs();
  const loss = where(z.lt(delta), z.mul(0.5).mul(z), z.sub(0.5 * delta).mul(delta));
  return applyReduction(loss, reduction);
}

// ---- classification ----------------------------------------------------------------------

/** Options of `nllLoss` and `crossEntropy`. */
export interface ClassificationOptions extends ReductionOptions {
  /** A weight per class, shape `[C]`. */
  weight?: Tensor | null;
  /** Targets equal to this index contribute nothing (and do not count in the mean). Default -100. */
  ignoreIndex?: number;
}

function values(t: Tensor): ArrayLike<number> {
  const c = t.contiguous();
  return c._data.subarray(c._offset, c._offset + c.numel());
}

function checkClassWeight(weight: Tensor | null | undefined, classes: number, op: string): Tensor | null {
  if (weight === undefined || weight === null) return null;
  checkTensor(weight, op, 'weight');
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(`${op}(): weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${fmtShape(weight.shape)}`);
  }
  return weight;
}

/** Checks an index target against an input with classes along dim 1 (dim 0 for 1-d input). */
function checkIndexTarget(input: Tensor, target: Tensor, ignoreIndex: number, op: string): void {
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${op}(): expected target to hold class indices as an int32 tensor (PyTorch: Long), but got ${target.dtype}`);
  }
  if (input.ndim === 0) throw new ShapeError(`${op}(): Expected 1 or more dimensions (got 0)`);
  if (input.ndim === 1) {
    if (target.ndim !== 0) throw new ShapeError(`${op}(): for an unbatched input of shape ${fmtShape(input.shape)} the target must be a 0-d class index, got shape ${fmtShape(target.shape)}`);
  } else if (input.ndim === 2 && target.ndim !== 1) {
    throw new ShapeError(`${op}(): 0D or 1D target tensor expected, multi-target not supported (input ${fmtShape(input.shape)}, target ${fmtShape(target.shape)})`);
  } else if (target.ndim === 0 || input.shape[0] !== target.shape[0]) {
    throw new ShapeError(`${op}(): Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.ndim === 0 ? 'none' : target.shape[0]}).`);
  } else if (input.ndim > 2) {
    const expected = [input.shape[0], ...input.shape.slice(2)];
    if (target.ndim !== expected.length || target.shape.some((s, i) => s !== expected[i])) {
      throw new ShapeError(`${op}(): Expected target size ${fmtShape(expected)}, got ${fmtShape(target.shape)}`);
    }
  }
  const classes = input.ndim === 1 ? input.shape[0] : input.shape[1];
  const v = values(target);
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== ignoreIndex && (v[i] < 0 || v[i] >= classes)) {
      throw new DimError(`${op}(): Target ${v[i]} is out of bounds: class indices must be in [0, ${classes}) (or equal ignoreIndex=${ignoreIndex})`);
    }
  }
}

/** Input as `[M, C]` rows and target as `[M]`: classes moved to the last dim. */
function asRows(input: Tensor, target: Tensor): { rows: Tensor; flat: Tensor } {
  if (input.ndim === 1) return { rows: input.unsqueeze(0), flat: target.reshape([1]) };
  if (input.ndim === 2) return { rows: input, flat: target };
  const perm = [0, ...input.shape.slice(2).map((_, i) => i + 2), 1];
  return { rows: input.permute(perm).reshape([-1, input.shape[1]]), flat: target.reshape([-1]) };
}

/**
 * Negative log likelihood of class indices (`F.nll_loss`): `input` holds log-probabilities
 * `[N, C]`, `[C]` or `[N, C, d1, ...]`; `target` int32 indices `[N]`, `[]` or `[N, d1, ...]`.
 * The mean divides by the summed weights of the non-ignored targets.
 */
export function nllLoss(input: Tensor, target: Tensor, options: ClassificationOptions = {}): Tensor {
  checkTensor(input, 'nllLoss');
  checkTensor(target, 'nllLoss', 'target');
  checkFloating(input, 'nllLoss');
  const reduction = checkReduction(options.reduction ?? 'mean', 'nllLoss');
  const ignoreIndex = options.ignoreIndex ?? -100;
  checkNumber(ignoreIndex, 'nllLoss', 'ignoreIndex', true);
  checkIndexTarget(input, target, ignoreIndex, 'nllLoss');
  const weight = checkClassWeight(options.weight, input.ndim === 1 ? input.shape[0] : input.shape[1], 'nllLoss');
  const { rows, flat } = asRows(input, target);
  const valid = flat.ne(ignoreIndex);
  const safe = where(valid, flat, 0);
  const picked = rows.gather(1, safe.unsqueeze(1)).squeeze(1);
  const w = weight === null ? null : weight.indexSelect(0, safe);
  // where() gives an exact 0 for ignored targets (a product with 0 could be -0 or NaN)
  const loss = where(valid, (w === null ? picked : picked.mul(w)).neg(), 0);
  if (reduction === 'none') return loss.reshape(target.shape.slice());
  if (reduction === 'sum') return loss.sum();
  const totalWeight = w === null ? valid.sum() : where(valid, w, 0).sum();
  return loss.sum().div(totalWeight);
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends ClassificationOptions {
  /** Mixes the target with the uniform distribution: `(1 - ε)·target + ε/C`. Default 0. */
  labelSmoothing?: number;
}

function classWeightView(weight: Tensor, input: Tensor, classDim: number): Tensor {
  if (input.ndim <= 1) return weight;
  return weight.reshape(input.shape.map((s, i) => (i === classDim ? s : 1)));
}

/**
 * Cross entropy of raw scores `input` (`F.cross_entropy`): `logSoftmax` over the class dim
 * (1, or 0 for unbatched input) and NLL. `target` is either int32 class indices (shape as for
 * `nllLoss`) or class probabilities of the input's shape (float). Supports `weight`,
 * `ignoreIndex` (indices only) and `labelSmoothing`.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkTensor(input, 'crossEntropy');
  checkTensor(target, 'crossEntropy', 'target');
  checkFloating(input, 'crossEntropy');
  const reduction = checkReduction(options.reduction ?? 'mean', 'crossEntropy');
  const ignoreIndex = options.ignoreIndex ?? -100;
  const smoothing = options.labelSmoothing ?? 0;
  checkNumber(smoothing, 'crossEntropy', 'labelSmoothing');
  if (smoothing < 0 || smoothing > 1) throw new ArgumentError(`crossEntropy(): label_smoothing must be between 0.0 and 1.0. Got: ${smoothing}`);
  if (input.ndim === 0) throw new ShapeError('crossEntropy(): Expected 1 or more dimensions (got 0)');
  const classDim = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[classDim];
  const sameShape = input.ndim === target.ndim && input.shape.every((s, i) => s === target.shape[i]);
  if (sameShape) return probabilityTarget(input, target, options.weight, reduction, ignoreIndex, smoothing, classDim);
  const logp = input.logSoftmax(classDim);
  const nll = nllLoss(logp, target, { weight: options.weight, ignoreIndex, reduction });
  if (smoothing === 0) return nll;
  // ATen's cross_entropy_loss_label_smoothing: mix in the mean over classes of -log p
  const weight = options.weight ?? null;
  const ignored = target.eq(ignoreIndex);
  let smooth = (weight === null ? logp : logp.mul(classWeightView(weight, input, classDim))).sum(classDim).neg();
  smooth = smooth.maskedFill(ignored, 0);
  let ret: Tensor;
  if (reduction === 'none') ret = smooth;
  else if (reduction === 'sum') ret = smooth.sum();
  else if (weight === null) ret = smooth.sum().div(ignored.logicalNot().sum());
  else ret = smooth.sum().div(where(ignored, 0, weight.indexSelect(0, where(ignored, 0, target).reshape([-1])).reshape(target.shape.slice())).sum());
  return nll.mul(1 - smoothing).add(ret.mul(smoothing / classes));
}

function probabilityTarget(
  input: Tensor, target: Tensor, weightOpt: Tensor | null | undefined, reduction: Reduction, ignoreIndex: number, smoothing: number, classDim: number,
): Tensor {
  if (target.dtype !== 'float32' && target.dtype !== 'float64') {
    throw new DTypeError(`crossEntropy(): Expected floating point type for target with class probabilities, got ${target.dtype}`);
  }
  if (ignoreIndex >= 0) throw new ArgumentError('crossEntropy(): ignore_index is not supported for floating point target');
  const classes = input.shape[classDim];
  const weight = checkClassWeight(weightOpt, classes, 'crossEntropy');
  const logp = input.logSoftmax(classDim);
  const t = smoothing > 0 ? target.mul(1 - smoothing).add(smoothing / classes) : target;
  let prod = logp.mul(t);
  if (weight !== null) prod = prod.mul(classWeightView(weight, input, classDim));
  if (reduction === 'none') return prod.sum(classDim).neg();
  if (reduction === 'sum') return prod.sum().neg();
  // the mean is over samples (numel / C), whatever the weights
  return prod.sum().neg().div(input.numel() / classes);
}

// ---- binary ------------------------------------------------------------------------------

/** Options of the binary cross entropy losses. */
export interface BinaryCrossEntropyOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: Tensor | null;
}

function applyWeight(loss: Tensor, weight: Tensor | null | undefined, op: string, name = 'weight'): Tensor {
  if (weight === undefined || weight === null) return loss;
  checkTensor(weight, op, name);
  return loss.mul(weight);
}

/**
 * Binary cross entropy of probabilities `input` in [0, 1] (`F.binary_cross_entropy`):
 * `-(t·log(x) + (1 - t)·log(1 - x))` with each log clamped at -100 as PyTorch does. The
 * gradient is PyTorch's `(x - t) / max(x·(1 - x), 1e-12)` (and `-logit(x)` for the target).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  checkTensor(input, op);
  checkTensor(target, op, 'target');
  checkFloating(input, op);
  checkFloating(target, op, 'target');
  if (input.ndim !== target.ndim || input.shape.some((s, i) => s !== target.shape[i])) {
    throw new ShapeError(
      `${op}(): Using a target size (${fmtShape(target.shape)}) that is different to the input size (${fmtShape(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  const reduction = checkReduction(options.reduction ?? 'mean', op);
  const xs = values(input);
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] >= 0 && xs[i] <= 1)) throw new ArgumentError(`${op}(): all elements of input should be between 0 and 1 (element ${i} is ${xs[i]}); apply sigmoid first, or use binaryCrossEntropyWithLogits`);
  }
  const x = input.detach();
  const t = target.detach();
  // (t - 1)·max(log(1 - x), -100) - t·max(log(x), -100), as ATen's kernel
  const value = noGrad(() => t.sub(1).mul(rsub(x, 1).log().clamp(-100)).sub(t.mul(x.log().clamp(-100))));
  let loss = withGradient(value, input, (g) => g.mul(input.sub(target)).div(rsub(input, 1).mul(input).clamp(1e-12)), op, [target]);
  loss = withGradient(loss, target, (g) => g.mul(input.div(rsub(input, 1)).log().neg()), op, [input]);
  return applyReduction(applyWeight(loss, options.weight, op), reduction);
}

/**
 * Binary cross entropy on logits (`F.binary_cross_entropy_with_logits`), computed stably as
 * ATen does: `(1 - t)·x + lw·(log(e^(-m) + e^(-x-m)) + m)` with `m = max(-x, 0)` and
 * `lw = 1 + (posWeight - 1)·t`. `posWeight` weights the positive term (broadcast along the last dim).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions & { posWeight?: Tensor | null } = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  checkTensor(input, op);
  checkTensor(target, op, 'target');
  checkFloating(input, op);
  checkFloating(target, op, 'target');
  if (input.ndim !== target.ndim || input.shape.some((s, i) => s !== target.shape[i])) {
    throw new ShapeError(`${op}(): Target size (${fmtShape(target.shape)}) must be the same as input size (${fmtShape(input.shape)})`);
  }
  const reduction = checkReduction(options.reduction ?? 'mean', op);
  const maxVal = input.neg().clamp(0);
  const softTerm = maxVal.neg().exp().add(input.neg().sub(maxVal).exp()).log();
  const posWeight = options.posWeight ?? null;
  let loss: Tensor;
  if (posWeight !== null) {
    checkTensor(posWeight, op, 'posWeight');
    const logWeight = posWeight.sub(1).mul(target).add(1);
    loss = rsub(target, 1).mul(input).add(logWeight.mul(softTerm.add(maxVal)));
  } else {
    loss = rsub(target, 1).mul(input).add(maxVal).add(softTerm);
  }
  return applyReduction(applyWeight(loss, options.weight, op), reduction);
}
