// Random computation graphs pass gradcheck (first and second order): programs of 3–10 steps over
// a pool of tensors, where each step reads earlier results (so tensors are reused and the graph
// is a DAG, not a tree), goes through views (transposes, narrow/cat, reshape, expand), runs
// recorded in-place ops on clones, and uses constants prepared with in-place ops under noGrad.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { autograd, cat, noGrad, tensor, type Tensor } from '@torchlet/core';
import { gradcheck, gradgradcheck } from '@torchlet/core/testing';
import { announceSeed, check, reportCounts } from './helpers/property.js';

const FILE = 'property-graphs';
beforeAll(() => announceSeed(FILE));
afterAll(() => reportCounts(FILE));
// generous: CI runs these next to other packages' tests on two cores
vi.setConfig({ testTimeout: 120_000 });

// Every pool entry has shape [2, 3]; steps are written so their result has that shape again.
type Step =
  | { kind: 'unary'; op: number; a: number }
  | { kind: 'binary'; op: number; a: number; b: number; transposed: boolean }
  | { kind: 'reduce'; op: number; a: number; dim: number }
  | { kind: 'matmul'; a: number; b: number; c: number }
  | { kind: 'sliceCat'; a: number; b: number; at: number }
  | { kind: 'reshape'; a: number; dim: number }
  | { kind: 'expand'; a: number; b: number; row: number }
  | { kind: 'inPlace'; op: number; a: number; b: number }
  | { kind: 'constant'; op: number; a: number; c: number };

// Smooth ops only (no relu/abs/max): finite differences must not cross a kink.
const UNARY: ((x: Tensor) => Tensor)[] = [
  (x) => x.tanh(),
  (x) => x.sigmoid(),
  (x) => x.sin(),
  (x) => x.mul(x).add(0.5).log(),
  (x) => x.square().add(0.25).sqrt(),
  (x) => x.neg().mul(0.5).exp(),
  (x) => x.cos().mul(2),
];
const BINARY: ((a: Tensor, b: Tensor) => Tensor)[] = [
  (a, b) => a.add(b),
  (a, b) => a.sub(b, 0.5),
  (a, b) => a.mul(b),
  (a, b) => a.div(b.square().add(1)),
  (a, b) => a.tanh().pow(2).add(b),
];
const REDUCE: ((x: Tensor, dim: number) => Tensor)[] = [
  (x, d) => x.sub(x.mean(d, true)),
  (x, d) => x.mul(x.sum(d, true).tanh()),
  (x, d) => x.softmax(d),
  (x, d) => x.logSoftmax(d),
  (x, d) => x.sub(x.logsumexp(d, true)),
];
// in-place ops recorded on a clone of a graph tensor (a non-leaf): PyTorch's rebased history
const IN_PLACE: ((y: Tensor, b: Tensor) => void)[] = [
  (y, b) => y.add_(b),
  (y, b) => y.sub_(b, 2),
  (y, b) => y.mul_(b),
  (y, b) => y.div_(b.square().add(1)),
  (y, b) => y.copy_(b.tanh()),
];

function stepArb(pool: number): fc.Arbitrary<Step> {
  const i = fc.nat({ max: pool - 1 });
  return fc.oneof(
    fc.record({ kind: fc.constant('unary' as const), op: fc.nat({ max: UNARY.length - 1 }), a: i }),
    fc.record({ kind: fc.constant('binary' as const), op: fc.nat({ max: BINARY.length - 1 }), a: i, b: i, transposed: fc.boolean() }),
    fc.record({ kind: fc.constant('reduce' as const), op: fc.nat({ max: REDUCE.length - 1 }), a: i, dim: fc.integer({ min: -2, max: 1 }) }),
    fc.record({ kind: fc.constant('matmul' as const), a: i, b: i, c: i }),
    fc.record({ kind: fc.constant('sliceCat' as const), a: i, b: i, at: fc.integer({ min: 1, max: 2 }) }),
    fc.record({ kind: fc.constant('reshape' as const), a: i, dim: fc.integer({ min: 0, max: 1 }) }),
    fc.record({ kind: fc.constant('expand' as const), a: i, b: i, row: fc.nat({ max: 1 }) }),
    fc.record({ kind: fc.constant('inPlace' as const), op: fc.nat({ max: IN_PLACE.length - 1 }), a: i, b: i }),
    fc.record({ kind: fc.constant('constant' as const), op: fc.nat({ max: 2 }), a: i, c: fc.nat({ max: 1 }) }),
  );
}

interface Program {
  leaves: number[][];
  constants: number[][];
  steps: Step[];
  /** Pool indices returned as outputs (the last result is always one). */
  outputs: number[];
}

const values6 = fc.array(fc.integer({ min: -512, max: 512 }).map((v) => v / 256), { minLength: 6, maxLength: 6 });

const programArb: fc.Arbitrary<Program> = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 3, max: 10 }))
  .chain(([nLeaves, nSteps]) =>
    fc.tuple(
      fc.array(values6, { minLength: nLeaves, maxLength: nLeaves }),
      fc.array(values6, { minLength: 2, maxLength: 2 }),
      // step k may read any of the leaves and the k results before it
      fc.tuple(...Array.from({ length: nSteps }, (_, k) => stepArb(nLeaves + k))),
      fc.array(fc.nat({ max: nLeaves + nSteps - 2 }), { maxLength: 2 }),
    ),
  )
  .map(([leaves, constants, steps, extra]) => ({ leaves, constants, steps, outputs: [...new Set([leaves.length + steps.length - 1, ...extra])] }));

/** Runs a program on the given leaves; constants are fresh tensors each run (they hold no gradient). */
function execute(p: Program, leaves: Tensor[]): Tensor[] {
  const pool: Tensor[] = [...leaves];
  const constants = p.constants.map((v) => tensor(Float64Array.from(v), { shape: [2, 3] }));
  for (const s of p.steps) {
    let out: Tensor;
    switch (s.kind) {
      case 'unary':
        out = UNARY[s.op](pool[s.a]);
        break;
      case 'binary':
        // through transposed views, then transposed back: a non-contiguous result
        out = s.transposed ? BINARY[s.op](pool[s.a].t(), pool[s.b].t()).t() : BINARY[s.op](pool[s.a], pool[s.b]);
        break;
      case 'reduce':
        out = REDUCE[s.op](pool[s.a], s.dim);
        break;
      case 'matmul':
        // [2,3]·[3,2] → [2,2], then ·[2,3]: the same tensor may appear twice
        out = pool[s.a].matmul(pool[s.b].t()).mul(0.5).matmul(pool[s.c]);
        break;
      case 'sliceCat':
        out = cat([pool[s.a].narrow(1, 0, s.at), pool[s.b].narrow(1, s.at, 3 - s.at)], 1);
        break;
      case 'reshape':
        // [2,3] → [3,2] (a view), a reduction over the new layout, back to [2,3]
        out = pool[s.a].reshape(3, 2).softmax(s.dim).reshape(2, 3);
        break;
      case 'expand':
        out = pool[s.a].narrow(0, s.row, 1).expand(2, 3).mul(pool[s.b]);
        break;
      case 'inPlace': {
        const y = pool[s.a].clone();
        IN_PLACE[s.op](y, pool[s.b]);
        out = y;
        break;
      }
      case 'constant': {
        // a constant modified in place under noGrad (as optimizers and init do), then used
        const c = noGrad(() => {
          const t = constants[s.c].clone();
          if (s.op === 0) t.mul_(0.5).add_(1);
          else if (s.op === 1) t.t().add_(0.25); // through a transposed view of the constant
          else t.narrow(1, 1, 2).fill_(-0.5);
          return t;
        });
        out = pool[s.a].mul(c);
        break;
      }
    }
    pool.push(out);
  }
  return p.outputs.map((i) => pool[i]);
}

function leavesOf(p: Program): Tensor[] {
  return p.leaves.map((v) => tensor(Float64Array.from(v), { shape: [2, 3], requiresGrad: true }));
}

describe('random computation graphs', () => {
  it('pass gradcheck', () => {
    check('graphs first order', programArb, (p) => {
      gradcheck((...ls) => execute(p, ls), leavesOf(p));
    }, 100);
  });

  it('pass gradgradcheck', () => {
    check('graphs second order', programArb, (p) => {
      gradgradcheck((...ls) => execute(p, ls), leavesOf(p));
    }, 40);
  });

  it('give the same gradients through backward() as through autograd.grad, deterministically', () => {
    check('graphs backward vs grad', programArb, (p) => {
      const ls = leavesOf(p);
      execute(p, ls).map((o) => o.sum()).reduce((a, b) => a.add(b)).backward();
      const viaBackward = ls.map((l) => l.grad?.tolist() ?? null);
      const ls2 = leavesOf(p);
      const total = execute(p, ls2).map((o) => o.sum()).reduce((a, b) => a.add(b));
      const viaGrad = autograd.grad(total, ls2, { allowUnused: true }).map((g) => g?.tolist() ?? null);
      // autograd.grad leaves .grad alone, and both paths give bitwise the same numbers
      expect(ls2.map((l) => l.grad)).toEqual(ls2.map(() => null));
      expect(viaGrad).toEqual(viaBackward);
    }, 30);
  });
});
