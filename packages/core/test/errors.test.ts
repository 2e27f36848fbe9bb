import { describe, expect, it } from 'vitest';
import {
  ArgumentError, AutogradError, DimError, DTypeError, GradModeError, ShapeError, TorchletError, ones, tensor, zeros,
} from '@torchlet/core';

// Each user error throws a typed error whose message names the op, the values involved and the fix.
describe('bad input', () => {
  const cases: [string, () => unknown, new (...a: any[]) => Error, RegExp][] = [
    ['broadcast mismatch', () => ones([3]).add(ones([2])), ShapeError, /The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton dimension 0/],
    ['matmul mismatch', () => ones([2, 3]).matmul(ones([2, 3])), ShapeError, /mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/],
    ['dot mismatch', () => ones([3]).matmul(ones([2])), ShapeError, /inconsistent tensor size, expected tensor \[3\] and src \[2\]/],
    ['matmul of a 0-d tensor', () => tensor(1).matmul(ones([2])), ShapeError, /both arguments to matmul need to be at least 1D, but they are 0D and 1D/],
    ['matmul dtype mismatch', () => ones([2, 2]).matmul(ones([2, 2], { dtype: 'float64' })), DTypeError, /same dtype, but got: float32 != float64/],
    ['dim out of range', () => ones([3]).sum(2), DimError, /Dimension out of range \(expected to be in range of \[-1, 0\], but got 2\)/],
    ['negative dim out of range', () => ones([2, 3]).transpose(0, -3), DimError, /expected to be in range of \[-2, 1\], but got -3/],
    ['duplicate permute dims', () => ones([2, 3]).permute(0, 0), DimError, /duplicate dims are not allowed/],
    ['bad reshape', () => ones([3]).reshape(4), ShapeError, /shape '\[4\]' is invalid for input of size 3/],
    ['two inferred sizes', () => ones([6]).reshape(-1, -1), ShapeError, /only one dimension can be inferred/],
    ['view of a non-viewable layout', () => ones([2, 3]).t().view(6), ShapeError, /view size is not compatible with input tensor's size and stride.*Use \.reshape/],
    ['negative size', () => zeros([-1]), ShapeError, /Trying to create tensor with negative dimension -1: \[-1\]/],
    ['fractional size', () => zeros([1.5]), ArgumentError, /size must contain only integers, but element 0 is 1\.5/],
    ['NaN size', () => zeros([NaN]), ArgumentError, /size must contain only integers/],
    ['exp on bool', () => tensor([true]).exp(), DTypeError, /exp\(\): not supported for bool tensors; convert first, e\.g\. x\.float\(\)\.exp\(\)/],
    ['neg on bool', () => tensor([true]).neg(), DTypeError, /Negation, the `-` operator, on a bool tensor is not supported/],
    ['mean of int', () => tensor([1], { dtype: 'int32' }).mean(), DTypeError, /mean\(\): could not infer output dtype/],
    ['item on non-scalar', () => ones([2]).item(), ShapeError, /a Tensor with 2 elements cannot be converted to Scalar/],
    ['requiresGrad on non-leaf', () => { ones([1], { requiresGrad: true }).mul(2).requiresGrad = false; }, AutogradError, /you can only change requires_grad flags of leaf variables/],
    ['expand to a smaller size', () => ones([2, 3]).expand(3, 3), ShapeError, /The expanded size of the tensor \(3\) must match the existing size \(2\) at non-singleton dimension 0/],
    ['t() of 3-d', () => ones([2, 3, 4]).t(), ShapeError, /t\(\) expects a tensor with <= 2 dimensions, but self is 3D/],
    ['ragged nested array', () => tensor([[1, 2], [3]]), ShapeError, /expected sequence of length 2 at dim 1 \(got 1\)/],
    ['non-tensor operand', () => ones([1]).add('1' as never), ArgumentError, /add\(\): argument 'other' must be a Tensor, not "1"/],
    ['amax over an empty dim', () => zeros([0]).amax(0), DimError, /amax\(\): Expected reduction dim 0 to have non-zero size/],
    ['argmax of empty', () => zeros([0]).argmax(), DimError, /argmax\(\): Expected reduction dim to be specified for input\.numel\(\) == 0/],
    ['unknown dtype', () => zeros([1], { dtype: 'float16' as never }), DTypeError, /unknown dtype "float16"/],
  ];
  for (const [name, run, Kind, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Kind);
      expect(error).toBeInstanceOf(TorchletError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).name).toBe(Kind.name);
    });
  }
});

describe('empty tensors are handled without spurious NaN', () => {
  it('reduce, broadcast and multiply empty tensors like PyTorch', () => {
    const e = zeros([0, 3]);
    expect(e.sum().item()).toBe(0);
    expect(e.sum(0).tolist()).toEqual([0, 0, 0]);
    expect(e.sum(1).shape).toEqual([0]);
    expect(e.add(ones([3])).shape).toEqual([0, 3]);
    expect(e.matmul(ones([3, 2])).shape).toEqual([0, 2]);
    expect(zeros([2, 0]).matmul(zeros([0, 3])).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(e.softmax(1).shape).toEqual([0, 3]);
    expect(Number.isNaN(e.mean().item())).toBe(true); // PyTorch: mean of no elements is nan
    const g = zeros([0], { requiresGrad: true });
    g.mul(2).sum().backward();
    expect(g.grad!.shape).toEqual([0]);
  });
});

describe('error names survive minification', () => {
  it('pins each class name as a string, and names other subclasses after their class', () => {
    for (const Kind of [TorchletError, ShapeError, DimError, DTypeError, ArgumentError, AutogradError, GradModeError]) {
      const name = Kind.name;
      // what a minifier does: `class ShapeError` becomes `var t = class extends e {}`
      Object.defineProperty(Kind, 'name', { value: 't', configurable: true });
      try {
        expect(new Kind('msg').name).toBe(name);
        expect(String(new Kind('msg'))).toBe(`${name}: msg`);
      } finally {
        Object.defineProperty(Kind, 'name', { value: name, configurable: true });
      }
    }
    class MyError extends ArgumentError {}
    expect(new MyError('x').name).toBe('MyError');
  });
});
