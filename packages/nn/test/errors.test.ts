// Bad input gets typed errors with messages that say what was expected and what was given.
import { describe, expect, it } from 'vitest';
import { ArgumentError, DimError, DTypeError, ShapeError, tensor, zeros } from '@torchlet/core';
import { CrossEntropyLoss, Embedding, LayerNorm, Linear, MSELoss, functional as F } from '@torchlet/nn';

describe('typed errors', () => {
  it('Linear names both feature sizes', () => {
    const m = new Linear(3, 2);
    expect(() => m.call(zeros([4, 5]))).toThrow(ShapeError);
    expect(() => m.call(zeros([4, 5]))).toThrow(
      'Linear(in_features=3, out_features=2): expected input with 3 features in its last dimension, got input of shape [4, 5] (5 features)',
    );
    expect(() => F.linear(zeros([2, 4]), zeros([2, 3]))).toThrow(/mat1 and mat2 shapes cannot be multiplied \(2x4 and 3x2\)/);
    expect(() => F.linear(tensor(1), zeros([2, 3]))).toThrow(/at least 1D/);
    expect(() => new Linear(-1, 2)).toThrow(ArgumentError);
  });

  it('losses refuse targets of another shape (PyTorch only warns and broadcasts)', () => {
    expect(() => new MSELoss().call(zeros([3, 1]), zeros([3]))).toThrow(ShapeError);
    expect(() => F.l1Loss(zeros([3]), zeros([4]))).toThrow('l1Loss(): target size [4] is different to the input size [3]');
    expect(() => F.binaryCrossEntropy(zeros([2]), zeros([2, 1]))).toThrow(/Using a target size \(\[2, 1\]\) that is different to the input size \(\[2\]\)/);
    expect(() => F.binaryCrossEntropyWithLogits(zeros([2]), zeros([3]))).toThrow(/Target size \(\[3\]\) must be the same as input size \(\[2\]\)/);
    expect(() => F.mseLoss(zeros([2]), zeros([2]), { reduction: 'avg' as any })).toThrow(/avg is not a valid value for reduction/);
  });

  it('class indices out of range, of the wrong dtype or batch size', () => {
    const ce = new CrossEntropyLoss();
    expect(() => ce.call(zeros([2, 3]), tensor([0, 3], { dtype: 'int32' }))).toThrow(DimError);
    expect(() => ce.call(zeros([2, 3]), tensor([0, 3], { dtype: 'int32' }))).toThrow(/Target 3 is out of bounds/);
    expect(() => ce.call(zeros([2, 3]), tensor([0, -1], { dtype: 'int32' }))).toThrow(/Target -1 is out of bounds/);
    expect(() => ce.call(zeros([2, 3]), tensor([0, 1]))).toThrow(DTypeError);
    expect(() => ce.call(zeros([2, 3]), tensor([0, 1, 2], { dtype: 'int32' }))).toThrow(/Expected input batch_size \(2\) to match target batch_size \(3\)/);
    expect(() => F.nllLoss(zeros([2, 3, 4]), zeros([2, 5], { dtype: 'int32' }))).toThrow(/Expected target size \[2, 4\], got \[2, 5\]/);
    expect(() => F.crossEntropy(zeros([2, 3]), zeros([2], { dtype: 'int32' }), { weight: zeros([2]) })).toThrow(/defined either for all 3 classes/);
    expect(() => F.crossEntropy(zeros([2, 3]), zeros([2], { dtype: 'int32' }), { labelSmoothing: 1.5 })).toThrow(ArgumentError);
    expect(() => F.crossEntropy(zeros([2, 3]), zeros([2, 3]), { ignoreIndex: 1 })).toThrow(/ignore_index is not supported for floating point target/);
  });

  it('BCE checks its input range', () => {
    expect(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(/all elements of input should be between 0 and 1/);
    expect(() => F.binaryCrossEntropy(tensor([NaN]), tensor([0]))).toThrow(ArgumentError);
  });

  it('Embedding checks index dtype and range, and paddingIdx', () => {
    const e = new Embedding(4, 2);
    expect(() => e.call(tensor([0, 4], { dtype: 'int32' }))).toThrow(DimError);
    expect(() => e.call(tensor([-1], { dtype: 'int32' }))).toThrow(/index out of range in self/);
    expect(() => e.call(tensor([0, 1]))).toThrow(DTypeError);
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow(/Padding_idx must be within num_embeddings/);
    expect(() => new Embedding(4, 2, { scaleGradByFreq: true }).call(tensor([0], { dtype: 'int32' }))).toThrow(/not supported/);
  });

  it('LayerNorm checks the trailing shape', () => {
    expect(() => new LayerNorm(4).call(zeros([2, 3]))).toThrow(
      'layerNorm(): Given normalized_shape=[4], expected input with shape [*, 4], but got input of size [2, 3]',
    );
    expect(() => F.layerNorm(zeros([2, 3]), 3, zeros([2]))).toThrow(/Expected weight to be of same shape as normalized_shape/);
  });

  it('functional ops check their arguments', () => {
    expect(() => F.relu([1, 2] as any)).toThrow(/argument 'input' must be a Tensor, not Array/);
    expect(() => F.gelu(tensor([1]), { approximate: 'erf' as any })).toThrow(/either 'none' or 'tanh'/);
    expect(() => F.gelu(tensor([1], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => F.smoothL1Loss(zeros([1]), zeros([1]), { beta: -1 })).toThrow(/negative values for beta/);
    expect(() => F.huberLoss(zeros([1]), zeros([1]), { delta: 0 })).toThrow(/non-positive values for delta/);
  });
});
