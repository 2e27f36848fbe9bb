// The wasm backend's runtime: results independent of the thread count, the worker pool never
// keeping a process alive, the operand cache following in-place writes (storage versions), and
// the allocator under the cache.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ArgumentError, getNumThreads, matmul, randn, setBackend, getBackend, setNumThreads, type Tensor } from '@torchlet/core';
import type { MatrixOperand } from '../src/backend/backend.js';
import { wasmRuntime } from '../src/backend/wasm/index.js';
import { makeWasmBackend } from '../src/backend/wasm/backend.js';
import { Heap } from '../src/backend/wasm/heap.js';

const rt = wasmRuntime();
const describeWasm = rt === null ? describe.skip : describe;
const root = fileURLToPath(new URL('../../..', import.meta.url));

function withBackend<T>(name: string, fn: () => T): T {
  const before = getBackend();
  setBackend(name);
  try {
    return fn();
  } finally {
    setBackend(before);
  }
}

function values(t: Tensor): Float32Array {
  return Float32Array.from(t.contiguous().tolist().flat(Infinity) as number[]);
}

describeWasm('threads', () => {
  const threads = getNumThreads();
  afterEach(() => setNumThreads(threads));

  it('uses both cores by default on Node', () => {
    expect(getNumThreads()).toBeGreaterThanOrEqual(Math.min(2, rt!.maxThreads));
  });

  it('gives bitwise the same matmul with 1, 2 and 3 threads', () => {
    const wasm = makeWasmBackend(rt!);
    const shapes: [number, number, number, number][] = [[1, 200, 300, 150], [3, 70, 90, 110], [1, 64, 784, 256], [2, 129, 65, 257]];
    for (const [batch, m, k, n] of shapes) {
      const a: MatrixOperand = { data: randn([batch * m * k])._data as Float32Array, offset: 0, batchStride: m * k, rowStride: k, colStride: 1 };
      const b: MatrixOperand = { data: randn([batch * k * n])._data as Float32Array, offset: 0, batchStride: k * n, rowStride: 1, colStride: k };
      const results = [1, 2, 3].map((t) => {
        setNumThreads(t);
        const out = new Float32Array(batch * m * n);
        wasm.matmul(a, b, batch, m, k, n, out);
        return out;
      });
      for (const r of results.slice(1)) {
        for (let i = 0; i < r.length; i++) if (!Object.is(r[i], results[0][i])) expect.fail(`${batch}×${m}×${k}×${n}: element ${i} differs across thread counts`);
      }
    }
  });

  it('has workers take part in large kernels and leaves small ones on the calling thread', async () => {
    if (rt!.pool === null) return;
    setNumThreads(2);
    const x = randn([400, 400]), y = randn([400, 400]);
    withBackend('wasm', () => matmul(x, y)); // starts the pool
    await new Promise((r) => setTimeout(r, 200)); // let the worker boot
    const before = rt!.pool.shared;
    withBackend('wasm', () => {
      for (let i = 0; i < 5; i++) matmul(x, y);
    });
    expect(rt!.pool.shared).toBeGreaterThan(before);
    const small = rt!.pool.shared;
    withBackend('wasm', () => matmul(randn([20, 20]), randn([20, 20])));
    expect(rt!.pool.shared).toBe(small);
  });

  it('clamps setNumThreads to what the host supports and rejects nonsense', () => {
    setNumThreads(1000);
    expect(getNumThreads()).toBe(rt!.maxThreads);
    expect(() => setNumThreads(0)).toThrow(ArgumentError);
    expect(() => setNumThreads(1.5)).toThrow(ArgumentError);
  });

  // A child process that imports the core, runs a threaded matmul and then ends: with the pool's
  // workers unref'd it must exit on its own, both while they spin and after they went to sleep.
  for (const [when, pause] of [['while workers spin', 0], ['while workers sleep in Atomics.wait', 100]] as const) {
    it(`lets the process exit ${when}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'torchlet-pool-'));
      try {
        const script = join(dir, 'child.ts');
        writeFileSync(script, `
          import { matmul, randn, setNumThreads, getBackend } from ${JSON.stringify(join(root, 'packages/core/src/index.ts'))};
          import { wasmRuntime } from ${JSON.stringify(join(root, 'packages/core/src/backend/wasm/index.ts'))};
          setNumThreads(2);
          const c = matmul(randn([512, 512]), randn([512, 512]));
          const workers = wasmRuntime()?.pool?.size ?? 0;
          const report = () => console.log(JSON.stringify({ backend: getBackend(), workers, value: c.shape }));
          if (${pause} > 0) setTimeout(report, ${pause}); else report();
        `);
        const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '', err = '', reportedAt = 0;
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          reportedAt ||= performance.now();
        });
        child.stderr.on('data', (d: Buffer) => (err += d));
        const code = await new Promise<number | null>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
          child.on('exit', (c) => {
            clearTimeout(timer);
            resolve(c);
          });
        });
        const exitDelay = performance.now() - reportedAt;
        expect(code, err).toBe(0);
        const report = JSON.parse(out.trim());
        expect(report.backend).toBe('wasm');
        if (rt!.pool !== null) expect(report.workers).toBe(1);
        expect(exitDelay).toBeLessThan(2000);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 40000);
  }
});

describeWasm('operand cache', () => {
  const close = (a: Float32Array, b: Float32Array) => {
    for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-4 * (1 + Math.abs(b[i]))) return false;
    return true;
  };

  it('reuses a weight across calls and recopies it after an in-place write', () => {
    const w = randn([200, 300]), x = randn([64, 300]);
    withBackend('wasm', () => {
      const first = values(matmul(x, w.t()));
      const hits = rt!.cache.hits;
      expect(close(values(matmul(x, w.t())), first)).toBe(true);
      expect(rt!.cache.hits).toBeGreaterThan(hits); // packed Wᵀ (and x) came from the cache
      w.mul_(2); // bumps the version: the cached copies are stale
      const after = values(matmul(x, w.t()));
      const want = withBackend('js', () => values(matmul(x, w.t())));
      expect(close(after, want)).toBe(true);
      expect(close(after, first.map((v) => 2 * v))).toBe(true);
    });
  });

  it('sees writes through a view, which shares the version counter', () => {
    const w = randn([128, 256]), x = randn([96, 128]);
    withBackend('wasm', () => {
      matmul(x, w);
      w.narrow(0, 10, 5).fill_(3); // in place on a view of w
      expect(close(values(matmul(x, w)), withBackend('js', () => values(matmul(x, w))))).toBe(true);
    });
  });

  it('follows in-place writes to elementwise operands (a bias)', () => {
    const h = randn([128, 256]), b = randn([256]);
    withBackend('wasm', () => {
      h.add(b);
      b.add_(1);
      expect(close(values(h.add(b)), withBackend('js', () => values(h.add(b))))).toBe(true);
    });
  });

  it('stays within its byte budget, evicting the least recently used', () => {
    const cache = rt!.cache;
    const budget = cache.budget;
    try {
      cache.clear();
      cache.budget = 4 * 1024 * 1024;
      const keep: Tensor[] = [];
      withBackend('wasm', () => {
        for (let i = 0; i < 40; i++) {
          const t = randn([256, 256]); // 256 KiB
          keep.push(t);
          t.add(t);
          expect(cache.bytes).toBeLessThanOrEqual(cache.budget);
        }
      });
      expect(cache.stats().entries).toBeGreaterThan(0);
    } finally {
      cache.budget = budget;
    }
  });
});

describe('wasm heap allocator', () => {
  it('allocates aligned blocks, merges freed neighbours and grows the memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 });
    const heap = new Heap(memory, 100);
    const a = heap.tryAlloc(1000)!, b = heap.tryAlloc(5000)!, c = heap.tryAlloc(64)!;
    for (const p of [a, b, c]) expect(p % 64).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 1000);
    heap.free(b);
    heap.free(a);
    expect(heap.freeBlocks).toBe(2); // [a, b) merged, and the tail after c
    heap.free(c);
    expect(heap.freeBlocks).toBe(1);
    const big = heap.tryAlloc(200000)!; // beyond the first page: grows
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 200000);
    expect(heap.f32.length * 4).toBe(memory.buffer.byteLength);
    expect(heap.tryAlloc(200 * 65536)).toBeNull(); // beyond the maximum
    heap.free(big);
    expect(heap.used).toBe(0);
  });
});

describeWasm('hosts without shared memory (browsers without cross-origin isolation)', () => {
  it('runs the kernels single-threaded on an unshared memory with the patched module', async () => {
    const { kernelBytes, unsharedVariant } = await import('../src/backend/wasm/module.js');
    const { Runtime } = await import('../src/backend/wasm/runtime.js');
    const bytes = unsharedVariant(kernelBytes());
    expect(bytes.length).toBe(kernelBytes().length);
    const module = await WebAssembly.compile(bytes); // the asynchronous path browsers take
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 32768 });
    const single = new Runtime(module, memory, false);
    expect(single.pool).toBeNull();
    expect(single.threads).toBe(1);
    const wasm = makeWasmBackend(single);
    const [m, k, n] = [300, 200, 100]; // large enough to grow the unshared memory (its buffer is replaced)
    const a: MatrixOperand = { data: randn([m * k])._data as Float32Array, offset: 0, batchStride: 0, rowStride: k, colStride: 1 };
    const b: MatrixOperand = { data: randn([k * n])._data as Float32Array, offset: 0, batchStride: 0, rowStride: n, colStride: 1 };
    const got = new Float32Array(m * n), want = new Float32Array(m * n);
    wasm.matmul(a, b, 1, m, k, n, got);
    wasm.matmul(a, b, 1, m, k, n, got); // again, after the growth
    const { jsBackend } = await import('../src/backend/js/index.js');
    jsBackend.matmul(a, b, 1, m, k, n, want);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-3);
  });
});
