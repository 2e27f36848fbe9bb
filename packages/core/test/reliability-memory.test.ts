// Scale: a 100,000-op chain runs forward and backward without a stack overflow, and backward()
// frees what the graph saved. Measured two ways: core's exact live-storage counter
// (memoryStats, tracking on for this file only) and the process's heap + ArrayBuffer memory
// after forced GCs. The chain's tensors have 600 float32 elements, above the size at which the
// WebAssembly backend runs its kernels, so both backends' paths are exercised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autograd, getBackend, listBackends, memoryStats, setMemoryTracking, tensor, type Tensor } from '@torchlet/core';
import { fmtMB, MB, reading } from './helpers/memory.js';

const LENGTH = 100_000;
const N = 600;
const SHORT = 10_000;

beforeAll(() => setMemoryTracking(true));
afterAll(() => setMemoryTracking(false));

/** y = tanh(…(x·s + c)…): every other op saves its 600-element output for backward. */
function chain(x: Tensor, c: Tensor, length = LENGTH): Tensor {
  let y = x;
  for (let i = 0; i < length; i++) y = i % 2 === 0 ? y.tanh() : y.add(c).mul(0.999);
  return y;
}

// The engine's freeing does not depend on the backend, the operand cache does: this file runs on
// the default backend (wasm) only, which saves ~10 s of the js run; the js path of deep graphs is
// covered by deep-graph.test.ts.
describe.skipIf(getBackend() === 'js' && listBackends().includes('wasm'))(`a ${LENGTH.toLocaleString('en-US')}-op chain`, () => {
  it('runs forward and backward without overflowing the stack, and backward() frees the saved tensors', async () => {
    const x = tensor(Float32Array.from({ length: N }, (_, i) => Math.sin(i)), { requiresGrad: true });
    const c = tensor(Float32Array.from({ length: N }, (_, i) => 0.01 * Math.cos(i)));
    const before = await reading();
    const liveBefore = memoryStats().liveBytes;

    const t0 = performance.now();
    let y: Tensor | null = chain(x, c);
    const forwardMs = performance.now() - t0;
    const built = await reading();
    const liveBuilt = memoryStats().liveBytes;
    // the graph holds LENGTH/2 saved outputs of N float32s
    const saved = (LENGTH / 2) * N * 4;
    expect(liveBuilt - liveBefore).toBeGreaterThanOrEqual(saved);

    const t1 = performance.now();
    y.sum().backward();
    const backwardMs = performance.now() - t1;
    expect(x.grad!.shape).toEqual([N]);
    expect((x.grad!.tolist() as number[]).every(Number.isFinite)).toBe(true);

    // y still holds the graph's nodes, but none of their saved tensors
    const after = await reading();
    const liveAfter = memoryStats().liveBytes;
    // what is still live: y, x.grad, and the few tensors of the sum and its gradient
    const bound = 16 * N * 4;
    console.log(
      `[memory] ${LENGTH} ops: forward ${forwardMs.toFixed(0)} ms, backward ${backwardMs.toFixed(0)} ms; ` +
        `live storage ${fmtMB(liveBefore)} → ${fmtMB(liveBuilt)} (graph built) → ${fmtMB(liveAfter)} (after backward); ` +
        `heap+arrayBuffers ${fmtMB(before.total)} → ${fmtMB(built.total)} → ${fmtMB(after.total)}`,
    );
    expect(liveAfter - liveBefore).toBeLessThan(bound);
    // the process agrees: the saved storage (≥ 114 MB) is back, to within 2 MB
    expect(built.arrayBuffers - before.arrayBuffers).toBeGreaterThan(saved * 0.9);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(2 * MB);
    // a second backward finds the saved tensors freed, as PyTorch says
    expect(() => y!.sum().backward()).toThrow(/Trying to backward through the graph a second time/);

    // dropping the result frees the nodes too: memory returns to its level before the chain
    y = null;
    x.grad = null;
    const dropped = await reading();
    const liveDropped = memoryStats();
    console.log(`[memory] after dropping the result: heap+arrayBuffers ${fmtMB(dropped.total)} (before the chain ${fmtMB(before.total)}), live storage ${fmtMB(liveDropped.liveBytes)}`);
    expect(liveDropped.liveBytes).toBe(liveBefore);
    // 100,000 nodes of ~100+ bytes each would be > 10 MB: a leak of the graph cannot hide under 4 MB
    expect(dropped.total - before.total).toBeLessThan(4 * MB);
  }, 240_000);

  it('autograd.grad over a 10,000-op chain frees the saved tensors too, and retainGraph keeps them until the last pass', async () => {
    const x = tensor(Float32Array.from({ length: N }, (_, i) => Math.cos(i)), { requiresGrad: true });
    const c = tensor(Float32Array.from({ length: N }, () => 0.02));
    await reading();
    const liveBefore = memoryStats().liveBytes;
    const y = chain(x, c, SHORT).sum();
    const [g1] = autograd.grad(y, x, { retainGraph: true });
    await reading();
    expect(memoryStats().liveBytes - liveBefore).toBeGreaterThanOrEqual((SHORT / 2) * N * 4); // kept for the second pass
    const [g2] = autograd.grad(y, x);
    expect(g2!.tolist()).toEqual(g1!.tolist());
    await reading();
    expect(memoryStats().liveBytes - liveBefore).toBeLessThan(16 * N * 4);
    expect(x.grad).toBeNull();
    void y;
  }, 240_000);
});
