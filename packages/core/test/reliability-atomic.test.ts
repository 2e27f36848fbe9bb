// A failed in-place op changes nothing: for random targets (contiguous or views) and random
// in-place ops given a reason to fail, the op throws a typed error and the target's values, its
// version counter, its grad_fn and requiresGrad are exactly as before (and so is its base).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inferenceMode, ones, tensor, TorchletError, type Tensor } from '@torchlet/core';
import { announceSeed, check, inputArb, leafOf, reportCounts, shapeArb, valuesOf } from './helpers/property.js';

const FILE = 'reliability-atomic';
beforeAll(() => announceSeed(FILE));
afterAll(() => reportCounts(FILE));
// generous: CI runs these next to other packages' tests on two cores
vi.setConfig({ testTimeout: 120_000 });

type Op = (self: Tensor) => unknown;
const OPS: [string, Op][] = [
  ['add_', (s) => s.add_(ones(s.shape.slice()), 2)],
  ['sub_', (s) => s.sub_(1.5)],
  ['mul_', (s) => s.mul_(ones(s.shape.slice()))],
  ['div_', (s) => s.div_(2)],
  ['copy_', (s) => s.copy_(ones(s.shape.slice()))],
  ['fill_', (s) => s.fill_(3)],
  ['zero_', (s) => s.zero_()],
  ['clamp_', (s) => s.clamp_(-0.1, 0.1)],
  ['uniform_', (s) => s.uniform_()],
  ['normal_', (s) => s.normal_()],
];

/** Ways an in-place op on `self` can fail, each returning the failing call. */
const FAILURES: [string, (self: Tensor, op: Op, name: string) => (() => unknown) | null][] = [
  // recording an in-place op on a leaf that requires grad
  ['a leaf that requires grad', (self, op) => (self.isLeaf ? () => op(self.requiresGrad_(true)) : null)],
  // an operand that does not broadcast into self
  ['an operand that does not broadcast', (self, _op, name) => {
    const bad = ones([...self.shape, 2]);
    return name === 'add_' ? () => self.add_(bad) : name === 'mul_' ? () => self.mul_(bad) : name === 'copy_' ? () => self.copy_(bad) : null;
  }],
  // a floating value into an integer tensor
  ['a float result into int32', (self, _op, name) => (name === 'add_' || name === 'mul_' ? () => self.int().add_(0.5) : null)],
  // an operand of the wrong type
  ['a string operand', (self, _op, name) => (['add_', 'sub_', 'mul_', 'div_'].includes(name) ? () => (self as any)[name]('2') : name === 'fill_' ? () => self.fill_('2' as never) : null)],
  // invalid scalars
  ['invalid scalars', (self, _op, name) => (name === 'uniform_' ? () => self.uniform_(1, 0) : name === 'normal_' ? () => self.normal_(0, -1) : name === 'clamp_' ? () => self.clamp_() : null)],
  // an inference tensor outside inference mode
  ['an inference tensor outside inference mode', (self, op) => {
    const inf = inferenceMode(() => self.clone());
    return () => op(inf);
  }],
  // a partial overlap between operand and self
  ['an operand that partly overlaps self', (self, _op, name) => {
    if (name !== 'copy_' || self.ndim !== 1 || self.shape[0] < 3) return null;
    const base = self;
    return () => base.narrow(0, 0, base.shape[0] - 1).copy_(base.narrow(0, 1, base.shape[0] - 1));
  }],
];

describe('a failed in-place op changes nothing', () => {
  it('values, version counter, grad_fn and requiresGrad are as before', () => {
    const arb = fc.tuple(
      shapeArb(1, 3, 4, 24).chain((s) => inputArb(s, 'any', ['contiguous', 'transposed', 'sliced', 'selected'])),
      fc.nat({ max: OPS.length - 1 }),
      fc.nat({ max: FAILURES.length - 1 }),
      fc.boolean(),
    );
    let exercised = 0;
    check('failed in-place ops', arb, ([inp, o, f, nonLeaf]) => {
      const [name, op] = OPS[o];
      const [why, make] = FAILURES[f];
      const leaf = leafOf(inp, 'float32', false);
      // a non-leaf target (a clone in the graph) or the view itself
      const self = nonLeaf ? inp.view(leaf.clone().requiresGrad_(true)).mul(1) : inp.view(leaf);
      const target = why === 'a leaf that requires grad' ? inp.view(leafOf(inp, 'float32', false)) : self;
      const call = make(target, op, name);
      if (call === null) return;
      exercised++;
      const values = valuesOf(target), storage = valuesOf(leaf);
      const version = target.version, gradFn = target.gradFn, requiresGrad = target.requiresGrad;
      let error: unknown = null;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error, `${name} with ${why}: should throw`).toBeInstanceOf(TorchletError);
      expect(valuesOf(target), `${name} with ${why}: values`).toEqual(values);
      expect(valuesOf(leaf), `${name} with ${why}: storage`).toEqual(storage);
      expect(target.version, `${name} with ${why}: version`).toBe(version);
      if (why !== 'a leaf that requires grad') {
        expect(target.gradFn, `${name} with ${why}: grad_fn`).toBe(gradFn);
        expect(target.requiresGrad, `${name} with ${why}: requiresGrad`).toBe(requiresGrad);
      }
    }, 300);
    expect(exercised).toBeGreaterThan(50);
  });

  it('a failed backward (a saved tensor modified in place) leaves .grad as it was', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(2).sum().backward();
    const before = x.grad!.tolist();
    const y = x.mul(1);
    const z = y.mul(y);
    y.add_(1); // z saved y's old version
    expect(() => z.sum().backward()).toThrow(/modified by an inplace operation/);
    expect(x.grad!.tolist()).toEqual(before);
  });
});
