// loadStateDict with one bad entry leaves every parameter and buffer as it was: for random models
// and a random entry broken in one of several ways, the load throws a StateDictError and no
// parameter's values or version counter moved. (PyTorch copies the good entries before raising;
// torchlet checks everything first, as its docs say.)
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { manualSeed, ones, tensor, type Tensor } from '@torchlet/core';
import { BCEWithLogitsLoss, Embedding, LayerNorm, Linear, type Module, ReLU, Sequential, StateDictError } from '@torchlet/nn';

// generous: CI runs these next to other packages' tests on two cores
vi.setConfig({ testTimeout: 120_000 });

const SEED = Number(process.env.TORCHLET_FC_SEED ?? 20_250_611);

function buildModel(kinds: number[]): Module {
  return new Sequential(...kinds.map((k, i) => {
    const width = 3 + (i % 2);
    if (k === 0) return new Linear(width, width);
    if (k === 1) return new LayerNorm([width]);
    if (k === 2) return new Sequential(new Linear(width, width, { bias: false }), new ReLU());
    if (k === 3) return new Embedding(5, width);
    return new BCEWithLogitsLoss({ posWeight: ones([width]) }); // a module with a buffer
  }));
}

type Breakage = 'shape' | 'notTensor' | 'missing' | 'unexpected' | 'scalarShape';

function snapshot(m: Module): { values: number[][]; versions: number[] } {
  const all: Tensor[] = [...m.parameters(), ...m.buffers()];
  return { values: all.map((t) => Array.from(t.reshape(-1).tolist() as number[])), versions: all.map((t) => t.version) };
}

describe('loadStateDict with one bad entry changes nothing', () => {
  it('for random models and breakages: throws StateDictError, parameters and buffers untouched', () => {
    let cases = 0;
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom<Breakage>('shape', 'notTensor', 'missing', 'unexpected', 'scalarShape'),
        fc.nat(),
        fc.integer({ min: 0, max: 1000 }),
        (kinds, breakage, pick, seed) => {
          cases++;
          manualSeed(seed);
          const model = buildModel(kinds);
          const source = buildModel(kinds); // different random values, same structure
          const sd: Record<string, unknown> = { ...source.stateDict() };
          const keys = Object.keys(sd);
          if (keys.length === 0) return;
          const key = keys[pick % keys.length];
          const value = sd[key] as Tensor;
          if (breakage === 'shape') sd[key] = ones([...value.shape, 2]);
          else if (breakage === 'notTensor') sd[key] = value.tolist();
          else if (breakage === 'missing') delete sd[key];
          // a sibling name the module does not have (a key under an existing name, like
          // `weight.extra`, is not unexpected to PyTorch either: it matches `weight`)
          else if (breakage === 'unexpected') sd[key.replace(/[^.]+$/, 'nonexistent')] = tensor([1]);
          else sd[key] = tensor(1.5); // a 0-d value where the parameter has dims
          const before = snapshot(model);
          let error: unknown = null;
          try {
            model.loadStateDict(sd as never);
          } catch (e) {
            error = e;
          }
          expect(error, `${breakage} of ${key}`).toBeInstanceOf(StateDictError);
          const after = snapshot(model);
          expect(after.values, `values after ${breakage} of ${key}`).toEqual(before.values);
          expect(after.versions, `versions after ${breakage} of ${key}`).toEqual(before.versions);
          // and the same dict, repaired, loads every value
          if (breakage === 'missing') sd[key] = value;
          else if (breakage === 'unexpected') delete sd[key.replace(/[^.]+$/, 'nonexistent')];
          else sd[key] = value;
          model.loadStateDict(sd as never);
          expect(snapshot(model).values).toEqual(snapshot(source).values);
        },
      ),
      { numRuns: 150, seed: SEED },
    );
    console.log(`[fast-check] nn reliability-atomic: seed ${SEED}, ${cases} generated cases`);
  });

  it('strict: false tolerates missing and unexpected keys but still refuses a bad shape without copying', () => {
    const model = new Linear(3, 2);
    const before = snapshot(model);
    const sd = { weight: ones([2, 3]), bias: ones([5]), extra: ones([1]) };
    expect(() => model.loadStateDict(sd, { strict: false })).toThrow(StateDictError);
    expect(snapshot(model)).toEqual(before);
    const result = model.loadStateDict({ weight: ones([2, 3]), extra: ones([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(model.weight.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
  });
});
