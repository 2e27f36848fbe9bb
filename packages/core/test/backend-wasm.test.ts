// The WebAssembly kernels against the JavaScript ones, called directly on raw arrays with random
// shapes, offsets and strides: transposed and broadcast operands, batches, sizes that are not
// multiples of the SIMD tiles, and NaN/±Inf/-0. Sizes are above the thresholds at which the wasm
// backend hands small inputs to JavaScript, so the SIMD code paths run.
import { describe, expect, it } from 'vitest';
import type { Backend, BinaryKernel, MatrixOperand, StridedArray, UnaryKernel } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { getBackend, listBackends, setBackend } from '../src/backend/registry.js';
import { wasmRuntime } from '../src/backend/wasm/index.js';
import { makeWasmBackend } from '../src/backend/wasm/backend.js';

const rt = wasmRuntime();
const wasm: Backend | null = rt === null ? null : makeWasmBackend(rt);

// Calls of each kernel export, to check that a test ran the SIMD path and not the JS fallback.
const calls = new Map<string, number>();
if (rt !== null) {
  const real = rt.exports as unknown as Record<string, unknown>;
  const counted: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(real)) {
    counted[name] = typeof f !== 'function' ? f : (...args: unknown[]) => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return (f as (...a: unknown[]) => unknown)(...args);
    };
  }
  (rt as unknown as { exports: unknown }).exports = counted;
}

/** Runs `fn` and checks that it called the wasm export `name`. */
function viaWasm<T>(name: string, fn: () => T): T {
  const before = calls.get(name) ?? 0;
  const result = fn();
  expect(calls.get(name) ?? 0, `${name} was not called: the wasm backend fell back to JavaScript`).toBeGreaterThan(before);
  return result;
}

// a small deterministic generator, so a failure reproduces
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIALS = [NaN, Infinity, -Infinity, -0, 0];

function randomArray(n: number, r: () => number, specials = 0, scale = 2): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() - 0.5) * scale;
  for (let i = 0; i < specials; i++) a[Math.floor(r() * n)] = SPECIALS[Math.floor(r() * SPECIALS.length)];
  return a;
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${what}: element ${i} is ${got[i]}, JavaScript gives ${want[i]}`);
  }
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rtol: number, atol: number | ((i: number) => number)): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (!(Number.isNaN(w) && Number.isNaN(g))) expect.fail(`${what}: element ${i} is ${g}, JavaScript gives ${w}`);
      continue;
    }
    if (g === w) continue;
    const tol = (typeof atol === 'function' ? atol(i) : atol) + rtol * Math.abs(w);
    if (!(Math.abs(g - w) <= tol)) expect.fail(`${what}: element ${i} is ${g}, JavaScript gives ${w} (tolerance ${tol})`);
  }
}

const describeWasm = wasm === null ? describe.skip : describe;

describe('backend registry', () => {
  it('registers wasm next to js, and setBackend switches', () => {
    expect(listBackends()).toContain('js');
    if (wasm === null) return;
    expect(listBackends()).toContain('wasm');
    const before = getBackend();
    try {
      setBackend('js');
      expect(getBackend()).toBe('js');
      setBackend('wasm');
      expect(getBackend()).toBe('wasm');
    } finally {
      setBackend(before);
    }
  });
});

describeWasm('wasm matmul agrees with js', () => {
  interface Layout { trans: boolean; batchBroadcast: boolean }
  // A matrix operand of `batch` rows×cols matrices stored in a larger array at an offset.
  function operand(r: () => number, batch: number, rows: number, cols: number, l: Layout, specials: number): MatrixOperand {
    const offset = Math.floor(r() * 5);
    const stored = l.batchBroadcast ? 1 : batch;
    const pad = l.trans ? 0 : Math.floor(r() * 3); // row padding: a leading dimension above cols
    const ld = l.trans ? rows : cols + pad;
    const per = l.trans ? cols * rows : rows * ld;
    const data = randomArray(offset + stored * per, r, specials);
    return {
      data, offset, version: 0,
      batchStride: l.batchBroadcast ? 0 : per,
      rowStride: l.trans ? 1 : ld,
      colStride: l.trans ? rows : 1,
    };
  }

  // |A|·|B| per output element: the scale of float32 rounding in the sum
  function magnitude(a: MatrixOperand, b: MatrixOperand, batch: number, m: number, k: number, n: number): Float64Array {
    const out = new Float64Array(batch * m * n);
    for (let bi = 0; bi < batch; bi++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) {
            const x = a.data[a.offset + bi * a.batchStride + i * a.rowStride + p * a.colStride];
            const y = b.data[b.offset + bi * b.batchStride + p * b.rowStride + j * b.colStride];
            s += Math.abs(x * y);
          }
          out[(bi * m + i) * n + j] = s;
        }
    return out;
  }

  const cases: [number, number, number, number][] = [
    [1, 37, 53, 29], [1, 64, 784, 256], [1, 1, 300, 70], [1, 70, 300, 1], [2, 33, 17, 65],
    [3, 8, 64, 8], [1, 129, 257, 9], [1, 5, 1000, 13], [4, 21, 40, 22],
  ];
  let seed = 1;
  for (const [batch, m, k, n] of cases) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const s = seed++;
        it(`batch ${batch}, ${m}×${k}·${k}×${n}, A${ta ? 'ᵀ' : ''} B${tb ? 'ᵀ' : ''}`, () => {
          const r = rng(s);
          const a = operand(r, batch, m, k, { trans: ta, batchBroadcast: false }, 0);
          const b = operand(r, batch, k, n, { trans: tb, batchBroadcast: batch > 1 && s % 2 === 0 }, 0);
          const want = new Float32Array(batch * m * n), got = new Float32Array(batch * m * n);
          jsBackend.matmul(a, b, batch, m, k, n, want);
          viaWasm('matmul_run', () => wasm!.matmul(a, b, batch, m, k, n, got));
          const mag = magnitude(a, b, batch, m, k, n);
          expectClose(got, want, 'matmul', 0, (i) => 2 * (k + 2) * 2 ** -24 * mag[i] + 1e-30);
        });
      }
    }
  }

  it('propagates NaN and Inf as the JavaScript kernel does', () => {
    const r = rng(99);
    const [m, k, n] = [40, 50, 45];
    const a: MatrixOperand = { data: randomArray(m * k, r, 6), offset: 0, batchStride: 0, rowStride: k, colStride: 1 };
    const b: MatrixOperand = { data: randomArray(k * n, r, 6), offset: 0, batchStride: 0, rowStride: 1, colStride: k };
    const want = new Float32Array(m * n), got = new Float32Array(m * n);
    jsBackend.matmul(a, b, 1, m, k, n, want);
    viaWasm('matmul_run', () => wasm!.matmul(a, b, 1, m, k, n, got));
    expect(want.some(Number.isNaN)).toBe(true);
    for (let i = 0; i < want.length; i++) {
      expect(Number.isNaN(got[i]), `element ${i}`).toBe(Number.isNaN(want[i]));
      if (!Number.isFinite(want[i]) && !Number.isNaN(want[i])) expect(got[i]).toBe(want[i]);
    }
  });

  it('writes only batch·m·n elements of a longer output', () => {
    const r = rng(7);
    const a: MatrixOperand = { data: randomArray(60 * 70, r), offset: 0, batchStride: 0, rowStride: 70, colStride: 1 };
    const b: MatrixOperand = { data: randomArray(70 * 80, r), offset: 0, batchStride: 0, rowStride: 80, colStride: 1 };
    const out = new Float32Array(60 * 80 + 5).fill(7);
    wasm!.matmul(a, b, 1, 60, 70, 80, out);
    expect([...out.subarray(60 * 80)]).toEqual([7, 7, 7, 7, 7]);
  });
});

describeWasm('wasm elementwise kernels agree with js', () => {
  const rows = 67, cols = 91; // 6097 elements: above the wasm threshold, not a multiple of 4 or 16
  const shape = [rows, cols];
  const dense = (data: Float32Array, offset = 0): StridedArray => ({ data, offset, strides: [cols, 1], version: 0 });
  const layouts: Record<string, (r: () => number) => StridedArray> = {
    dense: (r) => dense(randomArray(rows * cols + 3, r, 40), 3),
    transposed: (r) => ({ data: randomArray(rows * cols, r, 40), offset: 0, strides: [1, rows], version: 0 }),
    'row broadcast [cols]': (r) => ({ data: randomArray(cols, r, 4), offset: 0, strides: [0, 1], version: 0 }),
    'column broadcast [rows, 1]': (r) => ({ data: randomArray(rows, r, 4), offset: 0, strides: [1, 0], version: 0 }),
    scalar: (r) => ({ data: randomArray(1, r), offset: 0, strides: [0, 0], version: 0 }),
    'padded rows': (r) => ({ data: randomArray(rows * (cols + 5), r, 40), offset: 2, strides: [cols + 5, 1], version: 0 }),
  };
  const ops: BinaryKernel[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
  let seed = 1000;
  for (const op of ops) {
    for (const [la, makeA] of Object.entries(layouts)) {
      for (const lb of ['dense', 'row broadcast [cols]', 'column broadcast [rows, 1]', 'scalar', 'transposed']) {
        const s = seed++;
        it(`${op}: ${la} with ${lb}`, () => {
          const r = rng(s);
          const a = makeA(r), b = layouts[lb](r);
          const compare = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op);
          const make = () => (compare ? new Uint8Array(rows * cols) : new Float32Array(rows * cols));
          const want = make(), got = make();
          jsBackend.binary(op, a, b, shape, want);
          viaWasm(compare ? 'compare_f32' : 'binary_f32', () => wasm!.binary(op, a, b, shape, got));
          expectSame(got, want, op);
        });
      }
    }
    it(`${op} with a scalar, on either side`, () => {
      const r = rng(seed++);
      const a = layouts.dense(r);
      for (const s of [0.5, -3, 0, -0, NaN, Infinity, Math.fround(1e-3), 0.1]) {
        for (const first of [false, true]) {
          const compare = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op);
          const make = () => (compare ? new Uint8Array(rows * cols) : new Float32Array(rows * cols));
          const want = make(), got = make();
          jsBackend.binaryScalar(op, a, s, first, shape, want);
          // a scalar float32 cannot hold (0.1) is left to JavaScript, which computes in float64
          if (Math.fround(s) !== s && !Number.isNaN(s)) wasm!.binaryScalar(op, a, s, first, shape, got);
          else viaWasm(compare ? 'compare_f32' : 'binary_f32', () => wasm!.binaryScalar(op, a, s, first, shape, got));
          expectSame(got, want, `${op} ${first ? `${s} op x` : `x op ${s}`}`);
        }
      }
    });
  }

  const exact: UnaryKernel[] = ['neg', 'abs', 'relu', 'sqrt', 'square', 'reciprocal'];
  for (const op of exact) {
    it(`unary ${op} is exact`, () => {
      const r = rng(seed++);
      const n = 20003;
      const x: StridedArray = { data: randomArray(n + 1, r, 200, 10), offset: 1, strides: [1], version: 0 };
      const want = new Float32Array(n), got = new Float32Array(n);
      jsBackend.unary(op, x, [n], want);
      viaWasm('unary_f32', () => wasm!.unary(op, x, [n], got));
      expectSame(got, want, op);
    });
  }

  for (const op of ['exp', 'tanh', 'sigmoid'] as UnaryKernel[]) {
    it(`unary ${op} is within float32 tolerance, with IEEE special values`, () => {
      const r = rng(seed++);
      const n = 30001;
      const data = randomArray(n, r, 100, 220); // [-110, 110]: overflow, underflow and subnormals
      for (let i = 0; i < 2000; i++) data[i] = (r() - 0.5) * 2; // and plenty near zero
      data[2001] = 88.72; data[2002] = 88.73; data[2003] = -103.9; data[2004] = -104; data[2005] = 1e-30; data[2006] = -1e-30;
      const x: StridedArray = { data, offset: 0, strides: [1], version: 0 };
      const want = new Float32Array(n), got = new Float32Array(n);
      jsBackend.unary(op, x, [n], want);
      viaWasm('unary_f32', () => wasm!.unary(op, x, [n], got));
      expectClose(got, want, op, 4e-7, 1e-44);
    });
  }

  it('where with a bool condition and broadcast branches', () => {
    const r = rng(seed++);
    const cond: StridedArray = { data: Uint8Array.from({ length: rows * cols }, () => (r() < 0.5 ? 1 : 0)), offset: 0, strides: [cols, 1], version: 0 };
    for (const [la, lb] of [['dense', 'scalar'], ['row broadcast [cols]', 'dense'], ['transposed', 'dense']]) {
      const a = layouts[la](r), b = layouts[lb](r);
      const want = new Float32Array(rows * cols), got = new Float32Array(rows * cols);
      jsBackend.where(cond, a, b, shape, want);
      viaWasm('where_f32', () => wasm!.where(cond, a, b, shape, got));
      expectSame(got, want, `where ${la} ${lb}`);
    }
  });

  it('copies a transposed view', () => {
    const r = rng(seed++);
    for (const [rr, cc] of [[67, 91], [256, 784], [5, 2000]]) {
      const x: StridedArray = { data: randomArray(rr * cc + 1, r, 10), offset: 1, strides: [1, rr], version: 0 };
      const want = new Float32Array(rr * cc), got = new Float32Array(rr * cc);
      jsBackend.copy(x, [rr, cc], want);
      viaWasm('transpose_f32', () => wasm!.copy(x, [rr, cc], got));
      expectSame(got, want, `copy ${rr}×${cc}`);
    }
  });
});

describeWasm('wasm reductions and softmax agree with js', () => {
  it('sums over rows, over columns and over everything (float64 accumulation)', () => {
    const r = rng(5);
    for (const [rows, cols] of [[130, 97], [3, 5000], [5000, 3], [1, 20001]]) {
      const x: StridedArray = { data: randomArray(rows * cols, r, 0, 100), offset: 0, strides: [cols, 1], version: 0 };
      for (const outStrides of [[1, 0], [0, 1], [0, 0]]) {
        const size = outStrides[0] === 1 ? rows : outStrides[1] === 1 ? cols : 1;
        const want = new Float64Array(size), got = new Float64Array(size);
        jsBackend.reduce('sum', x, [rows, cols], outStrides, want);
        const run = () => wasm!.reduce('sum', x, [rows, cols], outStrides, got);
        if (rows === 1 && outStrides[1] === 1) run(); // nothing to reduce: JavaScript copies
        else viaWasm(outStrides[1] === 1 ? 'sum_cols_f32' : 'sum_rows_f32', run);
        expectClose(got, want, `sum ${rows}×${cols} out strides ${outStrides}`, 1e-12, 1e-9);
      }
    }
  });

  it('propagates NaN and Inf through sums', () => {
    const r = rng(6);
    const x: StridedArray = { data: randomArray(100 * 100, r, 30), offset: 0, strides: [100, 1], version: 0 };
    for (const outStrides of [[1, 0], [0, 1]]) {
      const want = new Float64Array(100), got = new Float64Array(100);
      jsBackend.reduce('sum', x, [100, 100], outStrides, want);
      viaWasm(outStrides[1] === 1 ? 'sum_cols_f32' : 'sum_rows_f32', () => wasm!.reduce('sum', x, [100, 100], outStrides, got));
      expectClose(got, want, 'sum with specials', 1e-12, 1e-9);
    }
  });

  for (const log of [false, true]) {
    it(`${log ? 'log-' : ''}softmax over rows of several lengths`, () => {
      const r = rng(log ? 8 : 9);
      for (const size of [1, 3, 10, 33, 1000]) {
        const outer = Math.ceil(4000 / size);
        const x = randomArray(outer * size, r, 0, 40);
        x.fill(-Infinity, 0, size); // a row of -inf
        if (size > 1) x[size + 1] = NaN; // a row with NaN
        if (outer > 2 && size > 2) x[2 * size + 2] = Infinity;
        const want = new Float32Array(outer * size), got = new Float32Array(outer * size);
        jsBackend.softmax(x, outer, size, 1, log, want);
        viaWasm('softmax_f32', () => wasm!.softmax(x, outer, size, 1, log, got));
        expectClose(got, want, `${log ? 'log' : ''}softmax size ${size}`, 2e-6, log ? 4e-6 : 1e-7);
      }
    });
  }
});

describeWasm('optional fused kernels', () => {
  function linearCase(seed: number, m: number, k: number, n: number, biasStride: number) {
    const r = rng(seed);
    const a: MatrixOperand = { data: randomArray(m * k, r, 3), offset: 0, batchStride: 0, rowStride: k, colStride: 1, version: 0 };
    const b: MatrixOperand = { data: randomArray(n * k, r), offset: 0, batchStride: 0, rowStride: 1, colStride: k, version: 0 };
    const bias: StridedArray = { data: randomArray(1 + (n - 1) * biasStride + 2, r), offset: 2, strides: [biasStride], version: 0 };
    return { a, b, bias };
  }

  for (const [m, k, n, bs] of [[64, 784, 256, 1], [37, 51, 29, 1], [40, 60, 33, 3], [50, 70, 20, 0]]) {
    for (const relu of [false, true]) {
      it(`linear ${m}×${k}·${k}×${n}, bias stride ${bs}${relu ? ', relu' : ''} equals matmul, add, relu`, () => {
        const { a, b, bias } = linearCase(m + n + bs, m, k, n, bs);
        for (const backend of [jsBackend, wasm!]) {
          const fused = new Float32Array(m * n), mm = new Float32Array(m * n), sum = new Float32Array(m * n), want = new Float32Array(m * n);
          const run = () => backend.linear!(a, b, bias, relu, 1, m, k, n, fused);
          if (backend === jsBackend) run();
          else viaWasm('matmul_run', run);
          backend.matmul(a, b, 1, m, k, n, mm);
          backend.binary('add', { data: mm, offset: 0, strides: [n, 1] }, { ...bias, strides: [0, bias.strides[0]] }, [m, n], sum);
          if (relu) backend.unary('relu', { data: sum, offset: 0, strides: [1] }, [m * n], want);
          else want.set(sum);
          expectSame(fused, want, `${backend.name} linear`);
        }
      });
    }
  }

  it('axpy is y + alpha·x in float64 with one rounding (PyTorch add_ with alpha), also in wasm', () => {
    const r = rng(77);
    const n = 30011;
    for (const alpha of [Math.fround(-0.01), -0.5, 3, -0.01]) {
      const x: StridedArray = { data: randomArray(n, r, 20), offset: 0, strides: [1], version: 0 };
      const y0 = randomArray(n + 4, r, 20);
      const yJs = y0.slice(), yWasm = y0.slice();
      jsBackend.axpy!(alpha, x, { data: yJs, offset: 4, strides: [1] }, [n]);
      viaWasm('axpy_f32', () => wasm!.axpy!(alpha, x, { data: yWasm, offset: 4, strides: [1] }, [n]));
      expectSame(yWasm, yJs, `axpy ${alpha}`);
      const want = y0.slice();
      for (let i = 0; i < n; i++) want[4 + i] = y0[4 + i] + x.data[i] * alpha;
      expectSame(yJs, want, `js axpy ${alpha}`);
    }
  });
});
