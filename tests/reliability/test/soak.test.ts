// Soak: 10,000 training steps of the bench's MLP (784-256-256-10, Linear + ReLU, MSELoss, SGD)
// and 10,000 noGrad inference calls, with memory read after forced GCs every 1,000 steps once
// warmed up. The bench trains at batch 128; here the batch is 4 (inference: 16) so the run fits
// in CI's time (the graph, the saved tensors and the optimizer's work per step are the same
// objects at any batch size; only the storage sizes scale). The bench's lr 0.01 diverges on its
// data within 8 steps (it only times single steps; the same arithmetic diverges in PyTorch: the
// inputs have |x|² ≈ 400), so the soak uses lr 5e-4, where the loss goes down and stays finite.
//
// What "flat" means, and why the bounds:
//  - core's live-storage counter (memoryStats) may never read more tensors or bytes than at the
//    first sample: a leak of even one tensor per 1,000 steps fails.
//  - heap + ArrayBuffer memory may not drift by more than 1 MB from the first sample to the last,
//    and no sample may exceed the first by more than 2 MB. The smallest thing a step could leak is
//    one zero-dim tensor (a Tensor object and its 4-byte Float32Array, ~200 bytes of heap); over
//    the 9,000 measured steps that is ~1.8 MB, so a per-step leak of anything cannot stay under
//    the bound, while V8's own variation between readings after a full GC is ~100 KB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, memoryStats, noGrad, setMemoryTracking } from '@torchlet/core';
import { MSELoss } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { batchOf, buildMlp } from './mlp.js';
// the same GC-and-read helper core's memory tests use
import { fmtMB, MB, reading, type Reading } from '../../../packages/core/test/helpers/memory.js';

const STEPS = Number(process.env.TORCHLET_SOAK_STEPS ?? 10_000);
const WARMUP = Math.min(1_000, STEPS / 10);
const EVERY = Math.max(1, Math.floor((STEPS - WARMUP) / 9));
const BATCH = 4;
const DRIFT_BOUND = 1 * MB;
const PEAK_BOUND = 2 * MB;

beforeAll(() => setMemoryTracking(true));
afterAll(() => setMemoryTracking(false));

interface Sample extends Reading {
  step: number;
  liveTensors: number;
  liveBytes: number;
}

async function sample(step: number): Promise<Sample> {
  const r = await reading();
  const s = memoryStats();
  return { ...r, step, liveTensors: s.liveTensors, liveBytes: s.liveBytes };
}

function summarize(label: string, samples: Sample[], ms: number): { drift: number; peak: number } {
  const first = samples[0], last = samples[samples.length - 1];
  const drift = last.total - first.total;
  const peak = Math.max(...samples.map((s) => s.total - first.total));
  console.log(
    `[soak] ${label} on ${getBackend()}: ${STEPS} iterations in ${(ms / 1000).toFixed(1)} s; after warm-up (${WARMUP}) ` +
      `heap+arrayBuffers ${fmtMB(first.total)} → ${fmtMB(last.total)}: drift ${(drift / 1024).toFixed(1)} KB, peak +${(peak / 1024).toFixed(1)} KB ` +
      `(bounds ${fmtMB(DRIFT_BOUND)} / ${fmtMB(PEAK_BOUND)}); live tensors ${samples.map((s) => s.liveTensors).join(', ')}`,
  );
  return { drift, peak };
}

function expectFlat(samples: Sample[], label: string, ms: number): void {
  const { drift, peak } = summarize(label, samples, ms);
  // never above the first sample (a count may drop when a finalizer from before the loop runs late)
  for (const s of samples) {
    expect(s.liveTensors, `${label}: live tensors at step ${s.step}`).toBeLessThanOrEqual(samples[0].liveTensors);
    expect(s.liveBytes, `${label}: live storage at step ${s.step}`).toBeLessThanOrEqual(samples[0].liveBytes);
  }
  expect(Math.abs(drift), `${label}: drift`).toBeLessThan(DRIFT_BOUND);
  expect(peak, `${label}: peak`).toBeLessThan(PEAK_BOUND);
}

describe('soak', () => {
  it(`${STEPS} training steps of the 784-256-256-10 MLP (batch ${BATCH}) keep memory flat`, async () => {
    const model = buildMlp();
    const { x, target } = batchOf(BATCH);
    const lossFn = new MSELoss();
    const optimizer = new SGD(model.parameters(), { lr: 5e-4 });
    const samples: Sample[] = [];
    let first = NaN, last = NaN;
    const t0 = performance.now();
    for (let step = 1; step <= STEPS; step++) {
      optimizer.zeroGrad();
      const loss = lossFn.forward(model.forward(x), target);
      loss.backward();
      optimizer.step();
      if (step === 1) first = loss.item();
      last = loss.item();
      if (step >= WARMUP && (step - WARMUP) % EVERY === 0) samples.push(await sample(step));
    }
    const ms = performance.now() - t0;
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first); // it trained
    expectFlat(samples, 'training', ms);
  });

  it(`${STEPS} noGrad inference calls keep memory flat`, async () => {
    const model = buildMlp();
    const { x } = batchOf(BATCH * 4);
    const samples: Sample[] = [];
    let checksum = 0;
    const t0 = performance.now();
    for (let step = 1; step <= STEPS; step++) {
      const y = noGrad(() => model.forward(x));
      expect(y.requiresGrad).toBe(false);
      if (step % 1000 === 0) checksum += y.sum().item();
      if (step >= WARMUP && (step - WARMUP) % EVERY === 0) samples.push(await sample(step));
    }
    const ms = performance.now() - t0;
    expect(Number.isFinite(checksum)).toBe(true);
    expectFlat(samples, 'noGrad inference', ms);
  });
});
