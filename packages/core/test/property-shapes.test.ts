// Shape-op invariants under random shapes and layouts: reshape/permute/transpose round trips
// give back the values; contiguous() preserves values; views share storage with their base, see
// its writes and write through to it, and share its version counter.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { noGrad, tensor, type Tensor } from '@torchlet/core';
import {
  announceSeed, check, dimArb, inputArb, type Input, leafOf, numel, refOf, reportCounts, shapeArb, valuesOf,
} from './helpers/property.js';

const FILE = 'property-shapes';
beforeAll(() => announceSeed(FILE));
afterAll(() => reportCounts(FILE));
// generous: CI runs these next to other packages' tests on two cores
vi.setConfig({ testTimeout: 120_000 });

const RUNS = 60;
const anyInput = shapeArb(0, 4, 3, 36).chain((s) => inputArb(s, 'any'));
const logical = (inp: Input) => Array.from(refOf(inp).data);

/** A random shape with the same number of elements. */
function sameNumel(n: number): fc.Arbitrary<number[]> {
  return fc.array(fc.nat({ max: 3 }), { minLength: 8, maxLength: 8 }).chain((slots) => fc.integer({ min: 1, max: 4 }).map((nd) => {
    const shape = Array<number>(nd).fill(1);
    let m = n, i = 0;
    for (let f = 2; m > 1; ) {
      if (m % f === 0) {
        shape[slots[i++ % 8] % nd] *= f;
        m /= f;
      } else f++;
    }
    return shape;
  }));
}

/** Row-major flat offsets into the storage of every element of `t` (read from its strides). */
function storageOffsets(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (d: number, off: number): void => {
    if (d === t.ndim) out.push(off);
    else for (let i = 0; i < t.shape[d]; i++) walk(d + 1, off + i * t.stride(d));
  };
  walk(0, (t as any)._offset);
  return out;
}

describe('round trips', () => {
  it('reshape to any shape of the same size and back gives the same values', () => {
    check('reshape round trip', anyInput.chain((inp) => fc.tuple(fc.constant(inp), sameNumel(numel(inp.shape)))), ([inp, target]) => {
      const x = inp.view(leafOf(inp));
      const y = x.reshape(target);
      expect(y.shape).toEqual(target);
      expect(valuesOf(y)).toEqual(logical(inp)); // row-major order is what reshape keeps
      expect(valuesOf(y.reshape(inp.shape))).toEqual(logical(inp));
      expect(valuesOf(x.reshape(-1))).toEqual(logical(inp));
    }, RUNS);
  });

  it('permute by p then by p⁻¹ gives the same tensor, as a view', () => {
    check('permute round trip', anyInput.chain((inp) => fc.tuple(fc.constant(inp), fc.shuffledSubarray([...Array(inp.shape.length).keys()], { minLength: inp.shape.length, maxLength: inp.shape.length }))), ([inp, p]) => {
      const x = inp.view(leafOf(inp));
      const inverse = p.map((_, i) => p.indexOf(i));
      const back = x.permute(p).permute(inverse);
      expect(back.shape).toEqual(x.shape);
      expect(back.stride()).toEqual(x.stride());
      expect(valuesOf(back)).toEqual(logical(inp));
    }, RUNS);
  });

  it('transpose(a, b) twice, and t() twice, are the identity', () => {
    check('transpose round trip', anyInput.chain((inp) => fc.tuple(fc.constant(inp), dimArb(inp.shape.length), dimArb(inp.shape.length))), ([inp, a, b]) => {
      const x = inp.view(leafOf(inp));
      const back = x.transpose(a, b).transpose(a, b);
      expect(back.shape).toEqual(x.shape);
      expect(valuesOf(back)).toEqual(logical(inp));
      if (x.ndim <= 2) expect(valuesOf(x.t().t())).toEqual(logical(inp));
    }, RUNS);
  });

  it('contiguous() preserves values and shape, is contiguous, and is the tensor itself when already contiguous', () => {
    check('contiguous', anyInput, (inp) => {
      const x = inp.view(leafOf(inp));
      const c = x.contiguous();
      expect(c.shape).toEqual(x.shape);
      expect(c.isContiguous()).toBe(true);
      expect(valuesOf(c)).toEqual(logical(inp));
      if (x.isContiguous()) expect(c).toBe(x);
      expect(c.contiguous()).toBe(c);
    }, RUNS);
  });

  it('unsqueeze/squeeze and flatten/view round trips', () => {
    check('squeeze round trip', anyInput.chain((inp) => fc.tuple(fc.constant(inp), fc.integer({ min: -inp.shape.length - 1, max: inp.shape.length }))), ([inp, d]) => {
      const x = inp.view(leafOf(inp));
      expect(valuesOf(x.unsqueeze(d).squeeze(d))).toEqual(logical(inp));
      expect(x.unsqueeze(d).squeeze(d).shape).toEqual(x.shape);
      const flat = x.flatten();
      expect(valuesOf(flat.view(x.ndim === 0 ? [] : inp.shape))).toEqual(logical(inp));
    }, RUNS);
  });
});

// Each view op, with what it does to a tensor of a given shape.
const VIEWS: [string, (x: Tensor) => Tensor | null][] = [
  ['view(-1) of a contiguous tensor', (x) => (x.isContiguous() ? x.view(-1) : null)],
  ['reshape of a contiguous tensor', (x) => (x.isContiguous() ? x.reshape(-1) : null)],
  ['transpose(0, -1)', (x) => x.transpose(0, -1)],
  ['permute (reversed)', (x) => x.permute([...Array(x.ndim).keys()].reverse())],
  ['t()', (x) => (x.ndim <= 2 ? x.t() : null)],
  ['unsqueeze(0)', (x) => x.unsqueeze(0)],
  ['squeeze()', (x) => x.squeeze()],
  ['narrow(0, 1, ...)', (x) => (x.ndim > 0 && x.shape[0] > 1 ? x.narrow(0, 1, x.shape[0] - 1) : null)],
  ['select(-1, 0)', (x) => (x.ndim > 0 ? x.select(-1, 0) : null)],
  ['split(1)[last]', (x) => (x.ndim > 0 ? x.split(1).at(-1)! : null)],
  ['chunk(2)[0]', (x) => (x.ndim > 0 ? x.chunk(2)[0] : null)],
  ['detach()', (x) => x.detach()],
  ['flatten() of a contiguous tensor', (x) => (x.isContiguous() && x.ndim > 1 ? x.flatten() : null)],
];

describe('views share storage', () => {
  it('see writes to their base, write through to it, and share its version counter', () => {
    const arb = fc.tuple(shapeArb(0, 4, 3, 36).chain((s) => inputArb(s, 'any', ['contiguous', 'transposed', 'sliced', 'selected'])), fc.nat({ max: VIEWS.length - 1 }));
    check('views share storage', arb, ([inp, which]) => {
      const [name, make] = VIEWS[which];
      const leaf = leafOf(inp, 'float64', false);
      const base = inp.view(leaf);
      const v = make(base);
      if (v === null) return;
      // which storage elements the view covers, read naively from its strides
      const offsets = storageOffsets(v);
      const storage = () => valuesOf(leaf.detach().reshape(-1).contiguous());
      const leafOffsets = storageOffsets(leaf);
      const valueAt = (off: number) => storage()[leafOffsets.indexOf(off)];
      expect(valuesOf(v), name).toEqual(offsets.map(valueAt));
      // a write to the base is seen by the view
      const version = v.version;
      noGrad(() => base.mul_(2).add_(1));
      expect(v.version, `${name}: version after writing the base`).toBe(version + 2);
      expect(valuesOf(v), name).toEqual(offsets.map(valueAt));
      // a write through the view lands in the base's storage, at the view's elements only
      const before = storage();
      noGrad(() => v.fill_(-7));
      expect(base.version, `${name}: version after writing the view`).toBe(version + 3);
      const after = storage();
      const covered = new Set(offsets);
      leafOffsets.forEach((off, i) => expect(after[i], `${name}: storage element ${off}`).toBe(covered.has(off) ? -7 : before[i]));
    }, RUNS * 2);
  });

  it('expand() shares storage: the broadcast view sees writes to its base', () => {
    check('expand shares storage', shapeArb(1, 3, 3, 12).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 2, max: 3 }))), ([s, k]) => {
      const x = tensor(Float64Array.from({ length: numel(s) }, (_, i) => i), { shape: s });
      const e = x.unsqueeze(0).expand(k, ...s);
      noGrad(() => x.add_(10));
      expect(valuesOf(e)).toEqual(Array.from({ length: k }, () => Array.from({ length: numel(s) }, (_, i) => i + 10)).flat());
      expect(() => noGrad(() => e.add_(1))).toThrow(/more than one element of the written-to tensor refers to a single memory location/);
    }, RUNS);
  });

  it('clone() and contiguous copies do not share storage', () => {
    check('clone is a copy', anyInput, (inp) => {
      const x = inp.view(leafOf(inp, 'float64', false));
      const c = x.clone();
      noGrad(() => x.fill_(3));
      expect(valuesOf(c)).toEqual(logical(inp));
    }, RUNS);
  });
});
