// torch.nn.init: fills tensors in place under no-grad, drawing from core's generator exactly as
// PyTorch does (one uniform_/normal_ call on the whole tensor), with PyTorch's gain and fan
// arithmetic in the same order so the bounds are the same doubles.
import { ArgumentError, noGrad, ShapeError, type Tensor } from '@torchlet/core';
import { checkNumber, checkTensor } from './internal/checks.js';

/** Nonlinearities known to `calculateGain` (PyTorch's names). */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** Which fan Kaiming initialisation preserves. */
export type FanMode = 'fan_in' | 'fan_out';

const LINEAR_FNS = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];

/** The recommended gain for a nonlinearity (`nn.init.calculate_gain`); `param` is leaky_relu's slope (default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR_FNS.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    const slope = param === undefined || param === null ? 0.01 : param;
    if (typeof slope !== 'number' || Number.isNaN(slope)) throw new ArgumentError(`negative_slope ${String(param)} not a valid number`);
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new ArgumentError(`Unsupported nonlinearity ${String(nonlinearity)}`);
}

/** `[fanIn, fanOut]` of a weight: dim 1 and dim 0 sizes times the receptive field (dims 2+). */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  checkTensor(tensor, 'calculateFanInAndFanOut', 'tensor');
  if (tensor.ndim < 2) throw new ShapeError(`Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape [${tensor.shape.join(', ')}])`);
  let receptive = 1;
  for (const s of tensor.shape.slice(2)) receptive *= s;
  return [tensor.shape[1] * receptive, tensor.shape[0] * receptive];
}

function correctFan(tensor: Tensor, mode: string): number {
  const m = String(mode).toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') throw new ArgumentError(`Mode ${String(mode)} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

/** Runs an in-place fill without recording, even on parameters that require grad. */
function fill(tensor: Tensor, op: string, fn: (t: Tensor) => void): Tensor {
  checkTensor(tensor, op, 'tensor');
  noGrad(() => fn(tensor));
  return tensor;
}

/** Fills with samples of U(a, b) (`nn.init.uniform_`). */
export function uniform_(tensor: Tensor, a = 0, b = 1): Tensor {
  return fill(tensor, 'uniform_', (t) => t.uniform_(a, b));
}

/** Fills with samples of N(mean, std²) (`nn.init.normal_`). */
export function normal_(tensor: Tensor, mean = 0, std = 1): Tensor {
  return fill(tensor, 'normal_', (t) => t.normal_(mean, std));
}

/** Fills with `val` (`nn.init.constant_`). */
export function constant_(tensor: Tensor, val: number): Tensor {
  return fill(tensor, 'constant_', (t) => t.fill_(val));
}

/** Fills with ones (`nn.init.ones_`). */
export function ones_(tensor: Tensor): Tensor {
  return fill(tensor, 'ones_', (t) => t.fill_(1));
}

/** Fills with zeros (`nn.init.zeros_`). */
export function zeros_(tensor: Tensor): Tensor {
  return fill(tensor, 'zeros_', (t) => t.zero_());
}

/** Fills a 2-d tensor with the identity matrix (`nn.init.eye_`). */
export function eye_(tensor: Tensor): Tensor {
  checkTensor(tensor, 'eye_', 'tensor');
  if (tensor.ndim !== 2) throw new ShapeError('Only tensors with 2 dimensions are supported');
  return fill(tensor, 'eye_', (t) => {
    t.zero_();
    for (let i = 0; i < Math.min(t.shape[0], t.shape[1]); i++) t.select(0, i).narrow(0, i, 1).fill_(1);
  });
}

/** Glorot uniform: U(-a, a) with `a = gain·√(6 / (fanIn + fanOut))` (`nn.init.xavier_uniform_`). */
export function xavierUniform_(tensor: Tensor, gain = 1): Tensor {
  checkNumber(gain, 'xavierUniform_', 'gain');
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, -a, a);
}

/** Glorot normal: N(0, std²) with `std = gain·√(2 / (fanIn + fanOut))` (`nn.init.xavier_normal_`). */
export function xavierNormal_(tensor: Tensor, gain = 1): Tensor {
  checkNumber(gain, 'xavierNormal_', 'gain');
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(tensor, 0, std);
}

/** Options of the Kaiming initialisers (PyTorch's `a`, `mode`, `nonlinearity`). */
export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). Default 0. */
  a?: number;
  /** `'fan_in'` (default) preserves forward variance, `'fan_out'` backward. */
  mode?: FanMode;
  /** Default `'leaky_relu'`. */
  nonlinearity?: Nonlinearity;
}

/** He uniform: U(-b, b) with `b = gain·√(3 / fan)` (`nn.init.kaiming_uniform_`). A zero-element tensor is left as is. */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  checkTensor(tensor, 'kaimingUniform_', 'tensor');
  if (tensor.shape.includes(0)) return tensor;
  const fan = correctFan(tensor, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(fan);
  const bound = Math.sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound);
}

/** He normal: N(0, std²) with `std = gain / √fan` (`nn.init.kaiming_normal_`). A zero-element tensor is left as is. */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  checkTensor(tensor, 'kaimingNormal_', 'tensor');
  if (tensor.shape.includes(0)) return tensor;
  const fan = correctFan(tensor, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(fan);
  return normal_(tensor, 0, std);
}
