// 100 concurrent async tasks, each awaiting timers and file I/O between every step, mixing
// noGrad, enableGrad, setGradEnabled (scoped and bare), inferenceMode and training steps. Every
// task checks after each await that it sees its own mode (and that ops record accordingly), and
// the training tasks' gradients and final parameters equal, bit for bit, those of the same tasks
// run one after another without any interleaving.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enableGrad, inferenceMode, isGradEnabled, isInferenceModeEnabled, noGrad, setGradEnabled, tensor, type Tensor,
} from '@torchlet/core';
import { MSELoss } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { batchOf, buildMlp } from './mlp.js';

const TASKS = 100;
const STEPS = 4;
const DIMS = [12, 16, 4];

let dir = '';
let file = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'torchlet-concurrency-'));
  file = join(dir, 'data.bin');
  await writeFile(file, new Uint8Array(4096).fill(7));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A deterministic pseudo-random delay stream per task. */
function delays(seed: number): () => number {
  let s = seed * 2654435761 >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % 4;
  };
}

/** Yields to other tasks: a timer of 0–3 ms, then a file read (I/O completion), alternately. */
function yielder(seed: number): () => Promise<void> {
  const next = delays(seed);
  let k = 0;
  return async () => {
    if (k++ % 2 === 0) await new Promise((r) => setTimeout(r, next()));
    else await readFile(file);
  };
}

/** Throws unless the context's mode is `grad` and ops record (or not) accordingly. */
function expectMode(grad: boolean, where: string, inference = false): void {
  if (isGradEnabled() !== grad) throw new Error(`${where}: isGradEnabled() is ${isGradEnabled()}, expected ${grad}`);
  if (isInferenceModeEnabled() !== inference) throw new Error(`${where}: inference mode is ${isInferenceModeEnabled()}`);
  const leaf = tensor([1, 2], { requiresGrad: true });
  const y = leaf.mul(2);
  if (y.requiresGrad !== grad) throw new Error(`${where}: an op ${grad ? 'did not record' : 'recorded'} with grad mode ${grad}`);
}

interface TrainResult {
  grads: number[][][];
  params: number[][];
  losses: number[];
}

/**
 * A training run of a small MLP with task-specific weights and data. `pause` is awaited between
 * every phase (zeroGrad, forward, loss, backward, step); the sequential reference passes null.
 */
async function train(task: number, pause: (() => Promise<void>) | null, check: (where: string) => void): Promise<TrainResult> {
  const model = buildMlp(DIMS);
  noGrad(() => {
    for (const p of model.parameters()) p.mul_(1 + task / 100);
  });
  const { x, target } = batchOf(3, DIMS, task);
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const lossFn = new MSELoss();
  const out: TrainResult = { grads: [], params: [], losses: [] };
  for (let step = 0; step < STEPS; step++) {
    optimizer.zeroGrad();
    if (pause) await pause();
    check(`task ${task} step ${step} before forward`);
    const y: Tensor = model.forward(x);
    if (pause) await pause();
    const loss = lossFn.forward(y, target);
    if (pause) await pause();
    check(`task ${task} step ${step} before backward`);
    loss.backward();
    if (pause) await pause();
    out.grads.push(model.parameters().map((p) => Array.from(p.grad!.contiguous().reshape(-1).tolist() as number[])));
    optimizer.step();
    out.losses.push(loss.item());
    // an evaluation pass inside the training task, under a sync noGrad
    const evalOut = noGrad(() => model.forward(x));
    if (evalOut.requiresGrad) throw new Error(`task ${task}: noGrad evaluation recorded`);
    check(`task ${task} step ${step} after evaluation`);
  }
  out.params = model.parameters().map((p) => Array.from(p.reshape(-1).tolist() as number[]));
  return out;
}

/** Task `i`: one of five shapes of grad-mode use; training tasks return their results. */
async function task(i: number): Promise<TrainResult | null> {
  const pause = yielder(i + 1);
  switch (i % 5) {
    case 0:
      // noGrad around awaits, with an enableGrad scope nested inside
      return noGrad(async () => {
        for (let k = 0; k < 6; k++) {
          await pause();
          expectMode(false, `task ${i} noGrad ${k}`);
          if (k === 3) {
            await enableGrad(async () => {
              await pause();
              expectMode(true, `task ${i} enableGrad inside noGrad`);
            });
            expectMode(false, `task ${i} back in noGrad`);
          }
        }
        return null;
      });
    case 1:
      // training under enableGrad, started from inside noGrad
      return noGrad(async () => {
        await pause();
        expectMode(false, `task ${i} outer noGrad`);
        const r = await enableGrad(async () => train(i, pause, (w) => expectMode(true, w)));
        expectMode(false, `task ${i} after training`);
        return r;
      });
    case 2:
      // setGradEnabled(false, fn), with bare setGradEnabled calls inside the scope
      return setGradEnabled(false, async () => {
        for (let k = 0; k < 6; k++) {
          await pause();
          const mode = k % 2 === 1;
          setGradEnabled(mode);
          await pause();
          expectMode(mode, `task ${i} after bare setGradEnabled(${mode})`);
        }
        return null;
      });
    case 3:
      // training under setGradEnabled(true, fn)
      return setGradEnabled(true, async () => train(i, pause, (w) => expectMode(true, w)));
    default:
      // inference mode around awaits
      return inferenceMode(async () => {
        for (let k = 0; k < 4; k++) {
          await pause();
          expectMode(false, `task ${i} inferenceMode ${k}`, true);
          const t = tensor([1, 2]).mul(3);
          if (!t.isInference()) throw new Error(`task ${i}: a tensor made in inference mode is not an inference tensor`);
        }
        return null;
      });
  }
}

describe(`${TASKS} concurrent async tasks`, () => {
  it('each see only their own grad mode, and training gives the sequential run\'s gradients bit for bit', async () => {
    expect(isGradEnabled()).toBe(true);
    const results = await Promise.all(Array.from({ length: TASKS }, (_, i) => task(i)));
    // nothing leaked into this context
    expectMode(true, 'after all tasks');

    // the same training tasks, one after another, without awaits
    let compared = 0;
    for (let i = 0; i < TASKS; i++) {
      const concurrent = results[i];
      if (concurrent === null) continue;
      const sequential = await train(i, null, () => {});
      expect(concurrent.grads, `task ${i} gradients`).toEqual(sequential.grads);
      expect(concurrent.params, `task ${i} parameters`).toEqual(sequential.params);
      expect(concurrent.losses, `task ${i} losses`).toEqual(sequential.losses);
      compared++;
    }
    expect(compared).toBe((TASKS / 5) * 2);
    console.log(`[concurrency] ${TASKS} tasks (${compared} training, ${STEPS} steps each, ${STEPS * 5} awaits per training run): modes isolated, gradients equal to the sequential run`);
  });

  it('a task that rejects inside its scope disturbs neither the other tasks nor the caller\'s mode', async () => {
    const failing = noGrad(async () => {
      await new Promise((r) => setTimeout(r, 1));
      throw new Error('boom');
    });
    const others = Promise.all(Array.from({ length: 10 }, (_, i) => task(i * 5 + 2)));
    await expect(failing).rejects.toThrow('boom');
    await others;
    expectMode(true, 'after a failing task');
  });
});
