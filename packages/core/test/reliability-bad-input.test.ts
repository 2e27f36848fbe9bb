// Bad input to every public function of @torchlet/core and every Tensor method: wrong types,
// undefined, NaN / fractional / negative sizes, out-of-range dims, mismatched dtypes and sizes
// too large to allocate. Each bad call must throw the documented typed error (a TorchletError
// subclass) with a message that says what was wrong: never a crash (TypeError, RangeError from a
// typed-array constructor), never a hang, never a result. The export lists are enumerated, so a
// new public function or Tensor method without an entry here fails the first tests.
import { afterAll, describe, expect, it } from 'vitest';
import * as core from '@torchlet/core';
import {
  ArgumentError, AutogradError, DimError, DTypeError, ShapeError, Tensor, autograd, noGrad, ones, tensor, zeros,
} from '@torchlet/core';
import {
  bad, callbackSlot, countSlot, dimSlot, type Entry, expectTyped, fixed, numberSlot, operandSlot, optionsSlot, publicNames, sizeSlot,
  type Slot, sweepEntry, sweptCalls, tensorSlot,
} from './helpers/sweep.js';

const X = () => ones([2, 3]);
const V = () => ones([3]);
const I32 = () => tensor(Int32Array.from([0, 1, 0]), { shape: [3] });
const IDX = () => tensor(Int32Array.from([0, 1, 1, 0, 1, 1]), { shape: [2, 3] });
const BOOL = () => tensor([true, false, true]);
const F64 = () => ones([2, 3], { dtype: 'float64' });
const LEAF = () => ones([2, 3], { requiresGrad: true });
const t = (valid: () => unknown = X, extra: ReturnType<typeof bad>[] = []) => tensorSlot(valid, extra);
const dim = (required = true, nd = 2) => dimSlot(nd, () => 0, required);
const optNumber = (valid: () => unknown = () => undefined) => numberSlot(valid, [], true);
const floatIndex = bad('a float index', () => ones([2, 3]), DTypeError, /int32/);

/** Sizes for view/reshape/expand of a [2, 3] tensor. */
const shapeArg = (valid: () => unknown = () => [3, 2]): Slot => ({
  valid,
  bad: [
    bad('a size of another numel', () => [4], ShapeError, /invalid for input of size 6/),
    bad('two inferred sizes', () => [-1, -1], ShapeError, /only one dimension can be inferred/),
    bad('a negative size', () => [-2, -3], ShapeError, /invalid shape dimension -2/),
    bad('a fractional size', () => [1.5, 4], ArgumentError, /integer/),
    bad('a NaN size', () => [NaN, 6], ArgumentError, /integer/),
    bad('a string size', () => ['6'], ArgumentError, /integer|number/),
  ],
});
const dimsList = (valid: () => unknown = () => [1, 0]): Slot => ({
  valid,
  bad: [
    bad('too few dims', () => [0], ShapeError, /does not match the length of the desired ordering/),
    bad('a repeated dim', () => [0, 0], DimError, /duplicate dims/),
    bad('an out-of-range dim', () => [0, 2], DimError, /out of range/),
    bad('a fractional dim', () => [0, 0.5], ArgumentError, /integer/),
    bad('undefined', () => undefined, ArgumentError, /dims|sizes|integer/),
  ],
});
const expandSizes = (valid: () => unknown = () => [4, 2, 3]): Slot => ({
  valid,
  bad: [
    bad('a size that does not match', () => [3, 3], ShapeError, /must match the existing size \(2\)/),
    bad('fewer sizes than dims', () => [3], ShapeError, /must be greater or equal to the number of dimensions/),
    bad('a negative size', () => [2, -2], ShapeError, /-2/),
    bad('a negative leading size', () => [-2, 2, 3], ShapeError, /isn't allowed in a leading, non-existing dimension/),
    bad('a fractional size', () => [2, 1.5], ArgumentError, /integer/),
    bad('undefined', () => undefined, ArgumentError, /sizes|integer/),
  ],
});
const tensorList = (valid: () => unknown): Slot => ({
  valid,
  bad: [
    bad('an empty list', () => [], ArgumentError, /non-empty/),
    bad('not a list', () => 'x', ArgumentError, /list|Tensor/),
    bad('undefined', () => undefined, ArgumentError, /list|Tensor/),
    bad('a list with a non-tensor', () => [X(), 'y'], ArgumentError, /Tensor/),
  ],
});
const reduceOptions: Slot = {
  valid: () => undefined,
  bad: [bad('a string correction', () => ({ correction: 'x' }), ArgumentError, /correction must be a number/)],
};

const binaryDTypeCalls = (name: string, f: (a: Tensor, b: Tensor) => unknown): Entry['calls'] => [
  [`${name} of shapes that do not broadcast`, () => f(ones([2, 3]), ones([2])), ShapeError, /must match the size of tensor b/],
];
const unaryFloat = (f: (x: any) => unknown): Entry => ({ call: f, slots: [t()], calls: [['a bool tensor', () => f(BOOL()), DTypeError, /bool|Bool/]] });
const unaryAny = (f: (x: any) => unknown): Entry => ({ call: f, slots: [t()] });
const cmp = (f: (a: any, b: any) => unknown): Entry => ({ call: f, slots: [t(), operandSlot(V)], calls: binaryDTypeCalls('compare', f) });

// ---- the functions ----------------------------------------------------------------------------

const functions: Record<string, Entry | { noArguments: true; call: () => unknown }> = {
  tensor: {
    call: core.tensor,
    slots: [
      {
        valid: () => [1, 2, 3],
        bad: [
          bad('undefined', () => undefined, ArgumentError, /could not infer a tensor/),
          bad('a string', () => 'abc', ArgumentError, /could not infer a tensor/),
          bad('a plain object', () => ({}), ArgumentError, /could not infer a tensor/),
          bad('ragged nested arrays', () => [[1, 2], [3]], ShapeError, /expected sequence of length 2/),
          bad('a string element', () => [1, 'a'], ArgumentError, /expected a number or boolean/),
          bad('an unsupported typed array', () => new Int16Array(3), ArgumentError, /unsupported typed array/),
        ],
      },
      optionsSlot(),
    ],
    calls: [
      ['a typed array with a shape of another size', () => core.tensor(new Float32Array(4), { shape: [3] }), ShapeError, /needs 3 elements but the array has 4/],
      ['nested arrays with a shape that contradicts them', () => core.tensor([1, 2, 3, 4], { shape: [3] }), ShapeError, /shape \[3\]/],
      ['an integer tensor that requires grad', () => core.tensor([1, 2], { dtype: 'int32', requiresGrad: true }), AutogradError, /floating point/],
    ],
  },
  zeros: { call: core.zeros, slots: [sizeSlot(), optionsSlot()] },
  ones: { call: core.ones, slots: [sizeSlot(), optionsSlot()] },
  empty: { call: core.empty, slots: [sizeSlot(), optionsSlot()] },
  full: { call: core.full, slots: [sizeSlot(), numberSlot(() => 2), optionsSlot()] },
  zerosLike: { call: core.zerosLike, slots: [t(), optionsSlot()] },
  onesLike: { call: core.onesLike, slots: [t(), optionsSlot()] },
  fullLike: { call: core.fullLike, slots: [t(), numberSlot(() => 2), optionsSlot()] },
  randLike: { call: core.randLike, slots: [t(), optionsSlot()] },
  randnLike: { call: core.randnLike, slots: [t(), optionsSlot()] },
  arange: {
    call: core.arange,
    slots: [numberSlot(() => 0), optNumber(() => 5), optNumber(() => 1), optionsSlot()],
    calls: [
      ['a zero step', () => core.arange(0, 5, 0), ArgumentError, /step must be nonzero/],
      ['a step of the wrong sign', () => core.arange(0, 5, -1), ArgumentError, /inconsistent with step sign/],
      ['NaN bounds', () => core.arange(NaN), ArgumentError, /finite number/],
      ['a range too large to allocate', () => core.arange(0, 2 ** 45), ShapeError, /can't allocate memory/],
    ],
  },
  linspace: { call: core.linspace, slots: [numberSlot(() => 0), numberSlot(() => 1), countSlot(() => 5), optionsSlot()] },
  eye: {
    call: core.eye,
    // a negative size is a ShapeError here, as for every size (PyTorch: "n must be greater or equal to 0")
    slots: [countSlot(() => 3, true, ShapeError), optNumber(() => 3), optionsSlot()],
    calls: [['a fractional column count', () => core.eye(2, 1.5), ArgumentError, /integer/]],
  },
  rand: { call: core.rand, slots: [sizeSlot(), optionsSlot()], calls: [['an integer dtype', () => core.rand([2], { dtype: 'int32' }), DTypeError, /floating/]] },
  randn: { call: core.randn, slots: [sizeSlot(), optionsSlot()], calls: [['an integer dtype', () => core.randn([2], { dtype: 'int32' }), DTypeError, /floating/]] },
  randint: {
    call: core.randint,
    slots: [numberSlot(() => 0), numberSlot(() => 5), sizeSlot(), optionsSlot()],
    calls: [
      ['high not above low', () => core.randint(3, 3, [2]), ArgumentError, /from=3 >= to=3/],
      ['a fractional bound', () => core.randint(0.5, 3, [2]), ArgumentError, /integers/],
    ],
  },
  randperm: { call: core.randperm, slots: [countSlot(() => 4), optionsSlot()] },
  manualSeed: {
    call: core.manualSeed,
    slots: [{ valid: () => 0, bad: [bad('a fractional seed', () => 1.5, ArgumentError, /integer/), bad('NaN', () => NaN, ArgumentError, /integer/), bad('a string', () => '1', ArgumentError, /integer/)] }],
  },
  initialSeed: { noArguments: true, call: core.initialSeed },
  isGradEnabled: { noArguments: true, call: core.isGradEnabled },
  isInferenceModeEnabled: { noArguments: true, call: core.isInferenceModeEnabled },
  noGrad: { call: core.noGrad, slots: [callbackSlot(() => () => 1)] },
  enableGrad: { call: core.enableGrad, slots: [callbackSlot(() => () => 1)] },
  setGradEnabled: {
    call: (mode: boolean, fn: () => unknown) => core.setGradEnabled(mode, fn),
    slots: [{ valid: () => true, bad: [bad('a string mode', () => 'no', core.GradModeError, /mode must be a boolean/), bad('undefined', () => undefined, core.GradModeError, /mode must be a boolean/)] }, callbackSlot(() => () => 1)],
  },
  inferenceMode: { call: (mode: boolean, fn: () => unknown) => core.inferenceMode(mode, fn), slots: [fixed(() => true), callbackSlot(() => () => 1)] },
  add: { call: core.add, slots: [t(), operandSlot(V), optNumber(() => 1)], calls: [...binaryDTypeCalls('add', core.add)!, ['a fractional alpha on int32', () => core.add(I32(), I32(), 0.5), DTypeError, /alpha must not be a floating point number/]] },
  sub: { call: core.sub, slots: [t(), operandSlot(V), optNumber(() => 1)], calls: [...binaryDTypeCalls('sub', core.sub)!, ['bool operands', () => core.sub(BOOL(), BOOL()), DTypeError, /Subtraction/]] },
  rsub: { call: core.rsub, slots: [t(), numberSlot(() => 2)], calls: [['a bool tensor', () => core.rsub(BOOL(), 1), DTypeError, /Subtraction/]] },
  mul: { call: core.mul, slots: [t(), operandSlot(V)], calls: binaryDTypeCalls('mul', core.mul) },
  div: { call: core.div, slots: [t(), operandSlot(V)], calls: binaryDTypeCalls('div', core.div) },
  pow: {
    call: core.pow,
    slots: [operandSlot(X), operandSlot(() => 2)],
    calls: [
      ['an integer to a negative power', () => core.pow(I32(), -1), ArgumentError, /negative integer powers/],
      ['bool base and exponent', () => core.pow(BOOL(), BOOL()), DTypeError, /bool/],
    ],
  },
  neg: { call: core.neg, slots: [t()], calls: [['a bool tensor', () => core.neg(BOOL()), DTypeError, /Negation/]] },
  exp: unaryFloat(core.exp), expm1: unaryFloat(core.expm1), log: unaryFloat(core.log), log1p: unaryFloat(core.log1p), sqrt: unaryFloat(core.sqrt),
  abs: unaryFloat(core.abs), relu: unaryFloat(core.relu), sigmoid: unaryFloat(core.sigmoid), tanh: unaryFloat(core.tanh),
  reciprocal: unaryFloat(core.reciprocal), sin: unaryFloat(core.sin), cos: unaryFloat(core.cos),
  square: unaryAny(core.square), sign: unaryAny(core.sign), logicalNot: unaryAny(core.logicalNot), isnan: unaryAny(core.isnan), isfinite: unaryAny(core.isfinite),
  clamp: {
    call: core.clamp,
    slots: [t(), numberSlot(() => 0, [], true), numberSlot(() => 1, [], true)],
    calls: [['no bounds', () => core.clamp(X()), ArgumentError, /at least one of 'min' or 'max'/]],
  },
  maximum: { call: core.maximum, slots: [t(), t(V)], calls: binaryDTypeCalls('maximum', core.maximum) },
  minimum: { call: core.minimum, slots: [t(), t(V)], calls: binaryDTypeCalls('minimum', core.minimum) },
  eq: cmp(core.eq), ne: cmp(core.ne), lt: cmp(core.lt), le: cmp(core.le), gt: cmp(core.gt), ge: cmp(core.ge),
  logicalAnd: { call: core.logicalAnd, slots: [t(), t(V)] },
  logicalOr: { call: core.logicalOr, slots: [t(), t(V)] },
  where: {
    call: core.where,
    slots: [t(BOOL, [bad('a float condition', V, DTypeError, /boolean tensor/)]), operandSlot(V), operandSlot(() => 0)],
    calls: [['shapes that do not broadcast', () => core.where(BOOL(), ones([2]), 0), ShapeError, /must match/]],
  },
  maskedFill: {
    call: core.maskedFill,
    slots: [t(), t(BOOL, [bad('a float mask', V, DTypeError, /boolean masks/)]), numberSlot(() => 0)],
  },
  sum: { call: core.sum, slots: [t(), dim(false), fixed(() => false)], calls: [['a repeated dim', () => core.sum(X(), [0, 0]), DimError, /appears multiple times/]] },
  mean: { call: core.mean, slots: [t(), dim(false), fixed(() => false)], calls: [['an int32 tensor', () => core.mean(I32()), DTypeError, /floating point/]] },
  amax: { call: core.amax, slots: [t(), dim(false), fixed(() => false)], calls: [['an empty dim', () => core.amax(zeros([0, 2]), 0), DimError, /non-zero size/]] },
  amin: { call: core.amin, slots: [t(), dim(false), fixed(() => false)], calls: [['an empty tensor', () => core.amin(zeros([0])), DimError, /numel\(\) == 0/]] },
  max: { call: core.max, slots: [t()], calls: [['an empty tensor', () => core.max(zeros([0])), DimError, /numel\(\) == 0/]] },
  min: { call: core.min, slots: [t()] },
  argmax: { call: core.argmax, slots: [t(), dim(false), fixed(() => false)], calls: [['a bool tensor', () => core.argmax(BOOL()), DTypeError, /Bool/]] },
  argmin: { call: core.argmin, slots: [t(), dim(false), fixed(() => false)] },
  variance: { call: core.variance, slots: [t(), dim(false), reduceOptions], calls: [['an int32 tensor', () => core.variance(I32()), DTypeError, /floating point/]] },
  std: { call: core.std, slots: [t(), dim(false), reduceOptions] },
  logsumexp: { call: core.logsumexp, slots: [t(), dim(false), fixed(() => false)] },
  norm: { call: core.norm, slots: [t(), numberSlot(() => 2, [bad('NaN', () => NaN, ArgumentError, /p must be a number/)], true)], calls: [['an int32 tensor', () => core.norm(I32()), DTypeError, /floating point/]] },
  reshape: { call: core.reshape, slots: [t(), shapeArg()] },
  view: { call: core.view, slots: [t(), shapeArg()], calls: [['a layout that cannot be viewed', () => core.view(X().t(), [6]), ShapeError, /Use \.reshape/]] },
  transpose: { call: core.transpose, slots: [t(), dim(), dim()] },
  permute: { call: core.permute, slots: [t(), dimsList()] },
  t: { call: core.t, slots: [t()], calls: [['a 3-d tensor', () => core.t(ones([2, 2, 2])), ShapeError, /<= 2 dimensions/]] },
  unsqueeze: { call: core.unsqueeze, slots: [t(), dimSlot(3)] },
  squeeze: { call: core.squeeze, slots: [t(), dim(false)] },
  expand: { call: core.expand, slots: [t(() => ones([2, 1])), expandSizes(() => [4, 2, 3])] },
  flatten: { call: core.flatten, slots: [t(), dim(false), dim(false)], calls: [['start after end', () => core.flatten(X(), 1, 0), ArgumentError, /start_dim cannot come after end_dim/]] },
  contiguous: unaryAny(core.contiguous), clone: unaryAny(core.clone), detach: unaryAny(core.detach),
  narrow: {
    call: core.narrow,
    slots: [
      t(), dim(),
      { valid: () => 0, bad: [bad('a start out of range', () => 5, DimError, /start out of range/), bad('a fractional start', () => 0.5, ArgumentError, /integers/), bad('a NaN start', () => NaN, ArgumentError, /integers/)] },
      { valid: () => 1, bad: [bad('a negative length', () => -1, ShapeError, /length \(-1\)/), bad('a length past the end', () => 3, ShapeError, /exceeds dimension size/), bad('a string length', () => '1', ArgumentError, /integers/)] },
    ],
  },
  select: {
    call: core.select,
    slots: [t(), dim(), { valid: () => 1, bad: [bad('an index out of range', () => 2, DimError, /out of range/), bad('a fractional index', () => 0.5, ArgumentError, /integer/), bad('a NaN index', () => NaN, ArgumentError, /integer/)] }],
  },
  split: {
    call: core.split,
    slots: [t(), { valid: () => 1, bad: [bad('a negative size', () => -1, ArgumentError, /non-negative integer/), bad('a zero size', () => 0, ArgumentError, /split_size can only be 0/), bad('a fractional size', () => 1.5, ArgumentError, /integer/)] }, dim(false)],
  },
  chunk: {
    call: core.chunk,
    slots: [t(), { valid: () => 2, bad: [bad('zero chunks', () => 0, ArgumentError, /greater than 0/), bad('a fractional count', () => 1.5, ArgumentError, /greater than 0/), bad('NaN', () => NaN, ArgumentError, /greater than 0/)] }, dim(false)],
  },
  cat: {
    call: core.cat,
    slots: [tensorList(() => [X(), X()]), dim(false)],
    calls: [
      ['shapes that differ off the cat dim', () => core.cat([ones([2, 3]), ones([3, 3])], 1), ShapeError, /Sizes of tensors must match except in dimension 1/],
      ['a zero-dim tensor', () => core.cat([tensor(1)]), ShapeError, /zero-dimensional tensor/],
    ],
  },
  stack: { call: core.stack, slots: [tensorList(() => [X(), X()]), dimSlot(3, () => 0, false)], calls: [['tensors of different shapes', () => core.stack([ones([2]), ones([3])]), ShapeError, /equal size/]] },
  gather: {
    call: core.gather,
    slots: [t(), dim(), t(IDX, [floatIndex])],
    calls: [['an index out of bounds', () => core.gather(X(), 1, tensor(Int32Array.from([3]), { shape: [1, 1] })), DimError, /out of bounds/]],
  },
  scatterAdd: {
    call: core.scatterAdd,
    slots: [t(), dim(), t(IDX, [floatIndex]), t(X)],
    calls: [['a src of another dtype', () => core.scatterAdd(X(), 0, IDX(), F64()), DTypeError, /self\.dtype to be equal to src\.dtype/]],
  },
  indexSelect: { call: core.indexSelect, slots: [t(), dim(), t(I32, [floatIndex])], calls: [['an index out of range', () => core.indexSelect(X(), 0, I32().add(5)), DimError, /out of range/]] },
  indexAdd: {
    call: core.indexAdd,
    slots: [t(() => ones([3, 2])), dim(), t(I32, [floatIndex]), t(() => ones([3, 2]))],
    calls: [['a source of another dtype', () => core.indexAdd(ones([3, 2]), 0, I32(), ones([3, 2], { dtype: 'float64' })), DTypeError, /same scalar type/]],
  },
  matmul: {
    call: core.matmul,
    slots: [t(), t(() => ones([3, 4]))],
    calls: [
      ['inner sizes that differ', () => core.matmul(ones([2, 3]), ones([2, 3])), ShapeError, /cannot be multiplied \(2x3 and 2x3\)/],
      ['mismatched dtypes', () => core.matmul(X(), F64().t()), DTypeError, /same dtype/],
      ['a 0-d operand', () => core.matmul(tensor(1), V()), ShapeError, /at least 1D/],
      ['bool operands', () => core.matmul(tensor([[true]]), tensor([[true]])), DTypeError, /Bool/],
    ],
  },
  linear: {
    call: core.linear,
    slots: [t(), t(() => ones([4, 3])), { valid: () => ones([4]), bad: [bad('a string bias', () => 'b', ArgumentError, /Tensor/)] }],
    calls: [
      ['features that differ', () => core.linear(ones([2, 5]), ones([4, 3]), ones([4])), ShapeError, /cannot be multiplied/],
      ['mismatched dtypes', () => core.linear(F64(), ones([4, 3]), ones([4])), DTypeError, /same dtype/],
    ],
  },
  linearRelu: {
    call: (core as any).linearRelu,
    slots: [t(), t(() => ones([4, 3])), { valid: () => ones([4]), bad: [bad('a string bias', () => 'b', ArgumentError, /Tensor/)] }],
    calls: [['features that differ', () => (core as any).linearRelu(ones([2, 5]), ones([4, 3]), ones([4])), ShapeError, /cannot be multiplied/]],
  },
  softmax: { call: core.softmax, slots: [t(), dim()], calls: [['an int32 tensor', () => core.softmax(I32(), 0), DTypeError, /not implemented for 'Int'/]] },
  logSoftmax: { call: core.logSoftmax, slots: [t(), dim()] },
  'autograd.grad': {
    call: autograd.grad,
    slots: [
      { valid: () => LEAF().sum(), bad: [bad('a string output', () => 'y', ArgumentError, /Tensor or an array of Tensors/), bad('undefined', () => undefined, ArgumentError, /Tensor or an array of Tensors/)] },
      { valid: () => [], bad: [bad('a string input', () => 'x', ArgumentError, /Tensor or an array of Tensors/), bad('a list with a number', () => [1], ArgumentError, /Tensor or an array of Tensors/)] },
      fixed(() => ({ allowUnused: true })),
    ],
    calls: [
      ['an input that does not require grad', () => autograd.grad(LEAF().sum(), X()), AutogradError, /does not require grad/],
      ['a non-scalar output without gradOutputs', () => { const a = LEAF(); return autograd.grad(a.mul(2), a); }, AutogradError, /only for scalar outputs/],
      ['gradOutputs of the wrong count', () => { const a = LEAF(); return autograd.grad(a.sum(), a, { gradOutputs: [tensor(1), tensor(1)] }); }, ArgumentError, /one gradOutput per output/],
      ['a gradOutput of the wrong shape', () => { const a = LEAF(); return autograd.grad(a.mul(2), a, { gradOutputs: ones([3]) }); }, AutogradError, /Mismatch in shape/],
    ],
  },
  'autograd.detectAnomaly': { call: autograd.detectAnomaly, slots: [{ valid: () => () => 1, bad: [bad('a string', () => 'fn', ArgumentError, /function/), bad('undefined', () => undefined, ArgumentError, /function/)] }] },
  // flags are read as truthy/falsy, like Python's bool() of the argument
  'autograd.setDetectAnomaly': { noArguments: true, call: () => autograd.setDetectAnomaly(false) },
  'autograd.isAnomalyEnabled': { noArguments: true, call: autograd.isAnomalyEnabled },
  getBackend: { noArguments: true, call: core.getBackend },
  listBackends: { noArguments: true, call: core.listBackends },
  initBackend: { noArguments: true, call: core.initBackend },
  setBackend: { call: (name: string) => core.setBackend(name), slots: [{ valid: () => core.getBackend(), bad: [bad('an unknown name', () => 'cuda', ArgumentError, /unknown backend "cuda"; available:/), bad('undefined', () => undefined, ArgumentError, /unknown backend/)] }] },
  setNumThreads: {
    call: (n: number) => core.setNumThreads(n),
    slots: [{ valid: () => core.getNumThreads(), bad: [bad('zero', () => 0, ArgumentError, /positive integer/), bad('a fraction', () => 1.5, ArgumentError, /positive integer/), bad('a string', () => '2', ArgumentError, /positive integer/)] }],
  },
  getNumThreads: { noArguments: true, call: core.getNumThreads },
  memoryStats: { noArguments: true, call: core.memoryStats },
  setMemoryTracking: { noArguments: true, call: () => core.setMemoryTracking(false) },
  setPrintOptions: {
    call: core.setPrintOptions,
    slots: [{
      valid: () => ({ profile: 'default' }),
      bad: [
        bad('undefined', () => undefined, ArgumentError, /options object/),
        bad('a negative precision', () => ({ precision: -1 }), ArgumentError, /precision must be a non-negative integer/),
        bad('a string threshold', () => ({ threshold: '10' }), ArgumentError, /threshold must be a non-negative integer/),
      ],
    }],
  },
  getPrintOptions: { noArguments: true, call: core.getPrintOptions },
};

/** Exported classes and why the sweep does not call their constructors with bad arguments. */
const constructorsExempt: Record<string, string> = {
  Tensor: 'its constructor is internal (tensors come from creation functions); its methods are swept below',
  Node: 'graph nodes are created by ops, never by users (PyTorch has no public constructor either)',
  AccumulateGrad: 'created by the engine for leaves that require grad',
  TorchletError: 'an error class: any message is valid',
  ShapeError: 'an error class', DimError: 'an error class', DTypeError: 'an error class', ArgumentError: 'an error class',
  AutogradError: 'an error class', GradModeError: 'an error class',
};

// ---- the Tensor methods -----------------------------------------------------------------------

const m = (name: string, slots: Slot[], calls?: Entry['calls'], self: () => Tensor = X): Entry => ({
  call: (...args: unknown[]) => (self() as any)[name](...args),
  slots,
  calls,
});
const inPlaceCalls = (name: string, arg: () => unknown): Entry['calls'] => [
  [`${name} on a leaf that requires grad`, () => (LEAF() as any)[name](arg()), AutogradError, /leaf Variable that requires grad/],
  [`${name} into an expanded tensor`, () => noGrad(() => (ones([1, 3]).expand(2, 3) as any)[name](arg())), ShapeError, /single memory location|more than one element/],
];

const methods: Record<string, Entry | { noArguments: true; call: () => unknown }> = {
  dim: { noArguments: true, call: () => X().dim() },
  numel: { noArguments: true, call: () => X().numel() },
  size: m('size', [dim(false)]),
  stride: m('stride', [dim(false)]),
  isContiguous: { noArguments: true, call: () => X().isContiguous() },
  item: { noArguments: true, call: () => tensor(1).item() },
  tolist: { noArguments: true, call: () => X().tolist() },
  toString: { noArguments: true as const, call: () => X().toString() },
  requiresGrad_: m('requiresGrad_', [{ valid: () => true, bad: [bad('a string', () => 'yes', ArgumentError, /expected a boolean/)] }], [['an int32 tensor', () => I32().requiresGrad_(), AutogradError, /floating point/]]),
  retainGrad: { noArguments: true, call: () => LEAF().mul(2).retainGrad() },
  backward: m('backward', [{ valid: () => undefined, bad: [bad('a string gradient', () => 'g', ArgumentError, /gradient must be a Tensor/)] }, fixed(() => undefined)], [
    ['a tensor that does not require grad', () => X().sum().backward(), AutogradError, /does not require grad/],
    ['a non-scalar output without a gradient', () => LEAF().mul(2).backward(), AutogradError, /only for scalar outputs/],
    ['empty inputs', () => LEAF().sum().backward(undefined, { inputs: [] }), ArgumentError, /cannot be empty/],
  ], () => LEAF().sum()),
  registerHook: m('registerHook', [{ valid: () => () => undefined, bad: [bad('a string', () => 'h', ArgumentError, /expects a function/)] }], [['a tensor that does not require grad', () => X().registerHook(() => undefined), AutogradError, /doesn't require gradient/]], LEAF),
  detach: { noArguments: true, call: () => X().detach() },
  detach_: { noArguments: true, call: () => X().detach_() },
  isInference: { noArguments: true, call: () => X().isInference() },
  to: m('to', [{ valid: () => 'float64', bad: [bad('an unknown dtype', () => 'float16', DTypeError, /float16/), bad('undefined', () => undefined, DTypeError, /dtype/)] }]),
  float: { noArguments: true, call: () => X().float() }, double: { noArguments: true, call: () => X().double() },
  int: { noArguments: true, call: () => X().int() }, bool: { noArguments: true, call: () => X().bool() },
  add: m('add', [operandSlot(V), optNumber(() => 1)]),
  sub: m('sub', [operandSlot(V), optNumber(() => 1)]),
  mul: m('mul', [operandSlot(V)]), div: m('div', [operandSlot(V)]), pow: m('pow', [operandSlot(() => 2)]),
  ...Object.fromEntries(['neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'sigmoid', 'tanh', 'square', 'reciprocal', 'sin', 'cos', 'log1p', 'expm1', 'sign', 'logicalNot', 'contiguous', 'clone', 't'].map((n) => [n, { noArguments: true as const, call: () => (X() as any)[n]() }])) as Record<string, { noArguments: true; call: () => unknown }>,
  clamp: m('clamp', [numberSlot(() => 0, [], true), numberSlot(() => 1, [], true)]),
  maximum: m('maximum', [t(V)]), minimum: m('minimum', [t(V)]),
  eq: m('eq', [operandSlot(V)]), ne: m('ne', [operandSlot(V)]), lt: m('lt', [operandSlot(V)]), le: m('le', [operandSlot(V)]), gt: m('gt', [operandSlot(V)]), ge: m('ge', [operandSlot(V)]),
  maskedFill: m('maskedFill', [t(BOOL), numberSlot(() => 0)]),
  sum: m('sum', [dim(false), fixed(() => false)]), mean: m('mean', [dim(false), fixed(() => false)]),
  amax: m('amax', [dim(false), fixed(() => false)]), amin: m('amin', [dim(false), fixed(() => false)]),
  argmax: m('argmax', [dim(false), fixed(() => false)]), argmin: m('argmin', [dim(false), fixed(() => false)]),
  max: m('max', [dim(false), fixed(() => false)]), min: m('min', [dim(false), fixed(() => false)]),
  var: m('var', [dim(false), reduceOptions]), std: m('std', [dim(false), reduceOptions]),
  logsumexp: m('logsumexp', [dim(false), fixed(() => false)]),
  norm: m('norm', [numberSlot(() => 2, [], true)]),
  reshape: m('reshape', [shapeArg()]), view: m('view', [shapeArg()]),
  transpose: m('transpose', [dim(), dim()]), permute: m('permute', [dimsList()]),
  unsqueeze: m('unsqueeze', [dimSlot(3)]), squeeze: m('squeeze', [dim(false)]),
  expand: m('expand', [expandSizes()], undefined, () => ones([2, 1])),
  expandAs: m('expandAs', [t(() => ones([2, 3]))], [['a shape it cannot expand to', () => X().expandAs(ones([3, 3])), ShapeError, /must match the existing size/]]),
  viewAs: m('viewAs', [t(() => ones([3, 2]))], [['a tensor of another size', () => X().viewAs(ones([4])), ShapeError, /invalid for input of size 6/]]),
  reshapeAs: m('reshapeAs', [t(() => ones([6]))]),
  flatten: m('flatten', [dim(false), dim(false)]),
  narrow: m('narrow', [dim(), numberSlot(() => 0), numberSlot(() => 1)]),
  select: m('select', [dim(), numberSlot(() => 0)]),
  split: m('split', [numberSlot(() => 1), dim(false)]),
  chunk: m('chunk', [numberSlot(() => 2), dim(false)]),
  gather: m('gather', [dim(), t(IDX, [floatIndex])]),
  indexSelect: m('indexSelect', [dim(), t(I32, [floatIndex])]),
  matmul: m('matmul', [t(() => ones([3, 4]))]),
  softmax: m('softmax', [dim()]), logSoftmax: m('logSoftmax', [dim()]),
  zero_: { noArguments: true, call: () => X().zero_() },
  fill_: m('fill_', [numberSlot(() => 2)], inPlaceCalls('fill_', () => 2)!.slice(0, 1)),
  add_: m('add_', [operandSlot(V), optNumber(() => 1)], [...inPlaceCalls('add_', V)!, ['a broadcast that grows self', () => V().add_(X()), ShapeError, /doesn't match the broadcast shape/], ['a float into int32', () => I32().add_(0.5), DTypeError, /can't be cast/]]),
  sub_: m('sub_', [operandSlot(V), optNumber(() => 1)], inPlaceCalls('sub_', V)),
  mul_: m('mul_', [operandSlot(V)], inPlaceCalls('mul_', V)),
  div_: m('div_', [operandSlot(V)], [...inPlaceCalls('div_', V)!, ['int32 self', () => I32().div_(2), DTypeError, /can't be cast/]]),
  copy_: m('copy_', [t(V)], [...inPlaceCalls('copy_', V)!, ['a source that does not broadcast', () => X().copy_(ones([2])), ShapeError, /must match the size of tensor b|doesn't match the broadcast shape/]]),
  uniform_: m('uniform_', [numberSlot(() => 0, [bad('NaN', () => NaN, ArgumentError, /must be a number/)], true), numberSlot(() => 1, [], true)], [['from > to', () => X().uniform_(2, 1), ArgumentError, /from=2 > to=1/], ['an int32 tensor', () => I32().uniform_(), DTypeError, /floating point/]]),
  normal_: m('normal_', [numberSlot(() => 0, [], true), numberSlot(() => 1, [bad('a negative std', () => -1, ArgumentError, /std >= 0/)], true)]),
  bernoulli_: m('bernoulli_', [numberSlot(() => 0.5, [bad('p > 1', () => 1.5, ArgumentError, /\[0, 1\]/)], true)]),
  clamp_: m('clamp_', [numberSlot(() => 0, [], true), numberSlot(() => 1, [], true)], [['no bounds', () => X().clamp_(), ArgumentError, /at least one/]]),
};

/** Accessors (getters and setters) of Tensor, with the bad values their setters refuse. */
const accessors: Record<string, [label: string, set: () => void, error: new (...a: any[]) => Error, message: RegExp][]> = {
  ndim: [], isLeaf: [], gradFn: [], retainsGrad: [], base: [], version: [], data: [],
  requiresGrad: [
    ['requiresGrad = "yes"', () => { X().requiresGrad = 'yes' as never; }, ArgumentError, /expected a boolean/],
    ['requiresGrad = false on a non-leaf', () => { LEAF().mul(2).requiresGrad = false; }, AutogradError, /leaf variables/],
  ],
  grad: [
    ['grad = a string', () => { LEAF().grad = 'g' as never; }, ArgumentError, /must be a Tensor or null/],
    ['grad of another shape', () => { LEAF().grad = ones([3]); }, AutogradError, /different size/],
    ['grad of another dtype', () => { LEAF().grad = F64(); }, AutogradError, /differs from the tensor's type/],
  ],
};

// ---- the tests --------------------------------------------------------------------------------

function tensorMembers(): { methods: string[]; accessors: string[] } {
  const out = { methods: [] as string[], accessors: [] as string[] };
  for (const name of Object.getOwnPropertyNames(Tensor.prototype)) {
    if (name === 'constructor' || name.startsWith('_')) continue;
    const d = Object.getOwnPropertyDescriptor(Tensor.prototype, name)!;
    (typeof d.value === 'function' ? out.methods : out.accessors).push(name);
  }
  return out;
}

describe('the sweep covers the whole public API', () => {
  it('has an entry for every function and class @torchlet/core exports', () => {
    const names = publicNames(core as Record<string, unknown>, ['autograd']);
    const missing = names.filter((n) => !(n in functions) && !(n in constructorsExempt));
    expect(missing, 'exports without a bad-input entry: add them to the sweep').toEqual([]);
    const stale = Object.keys(functions).filter((n) => !names.includes(n));
    expect(stale, 'entries for names that are not exported').toEqual([]);
  });

  it('has an entry for every Tensor method and accessor', () => {
    const members = tensorMembers();
    expect(members.methods.filter((n) => !(n in methods)), 'Tensor methods without an entry').toEqual([]);
    expect(members.accessors.filter((n) => !(n in accessors)), 'Tensor accessors without an entry').toEqual([]);
  });
});

describe('bad input to @torchlet/core functions throws typed, helpful errors', () => {
  for (const [name, entry] of Object.entries(functions)) {
    if ('noArguments' in entry) {
      it(`${name} (no arguments)`, async () => {
        await entry.call();
      });
      continue;
    }
    it(name, () => {
      expect(sweepEntry(name, entry)).toBeGreaterThan(0);
    });
  }
});

describe('bad input to Tensor methods throws typed, helpful errors', () => {
  for (const [name, entry] of Object.entries(methods)) {
    if ('noArguments' in entry) {
      it(`${name} (no arguments)`, () => {
        entry.call();
      });
      continue;
    }
    it(name, () => {
      expect(sweepEntry(`Tensor.${name}`, entry)).toBeGreaterThan(0);
    });
  }
  for (const [name, cases] of Object.entries(accessors)) {
    it(`${name} accessor`, () => {
      void (X() as any)[name];
      for (const [label, run, error, message] of cases) expectTyped(label, run, error, message);
    });
  }
});

afterAll(() => console.log(`[sweep] @torchlet/core: ${sweptCalls()} bad calls, each a typed error with a helpful message`));
