// Decoding and compiling the embedded kernel module. Node compiles synchronously at import;
// browsers forbid synchronous compilation of modules over 4 KB on the main thread, so there
// compilation is asynchronous and `initBackend()` awaits it.
import { KERNELS_BASE64 } from './kernels.generated.js';

/** The functions and globals the kernel module exports (pointers are byte addresses). */
export interface KernelExports {
  readonly __heap_base: WebAssembly.Global;
  matmul_packed_size(which: number, batches: number, rowsOrCols: number, k: number): number;
  matmul_plan(job: number, threads: number): void;
  matmul_run(job: number): void;
  binary_f32(op: number, out: number, a: number, ars: number, acs: number, b: number, brs: number, bcs: number, rows: number, cols: number): void;
  compare_f32(op: number, out: number, a: number, ars: number, acs: number, b: number, brs: number, bcs: number, rows: number, cols: number): void;
  where_f32(out: number, cond: number, crs: number, ccs: number, a: number, ars: number, acs: number, b: number, brs: number, bcs: number, rows: number, cols: number): void;
  transpose_f32(out: number, x: number, rows: number, cols: number, ldx: number): void;
  unary_f32(op: number, out: number, x: number, n: number): void;
  axpy_f32(y: number, x: number, alpha: number, n: number): void; // alpha is a float64
  sum_rows_f32(out: number, x: number, rows: number, cols: number, ldx: number): void;
  sum_cols_f32(out: number, x: number, rows: number, cols: number, ldx: number): void;
  softmax_f32(out: number, x: number, rows: number, size: number, log: number): void;
}

/** Exports a worker thread may run (by index in this list) through the pool. */
export const POOL_FUNCTIONS = ['matmul_run'] as const;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function readLeb(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0, shift = 0, b: number;
  do {
    b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [value, pos];
}

/**
 * The module bytes with the imported memory declared unshared, for hosts without
 * SharedArrayBuffer (browsers without cross-origin isolation). Only the limits flag of the
 * memory import changes (0x03 → 0x01); atomic instructions are valid on unshared memory.
 */
export function unsharedVariant(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const out = bytes.slice();
  let pos = 8;
  while (pos < out.length) {
    const id = out[pos];
    const [size, body] = readLeb(out, pos + 1);
    if (id === 2) {
      let [count, p] = readLeb(out, body);
      for (; count > 0; count--) {
        let len: number;
        [len, p] = readLeb(out, p);
        p += len; // module name
        [len, p] = readLeb(out, p);
        p += len; // field name
        const kind = out[p++];
        if (kind === 2) {
          if (out[p] === 0x03) out[p] = 0x01;
          return out;
        }
        // skip the descriptions of other kinds (the kernels import functions and the memory only)
        if (kind === 0) [, p] = readLeb(out, p);
        else throw new Error('torchlet wasm: unexpected import kind in the kernel module');
      }
    }
    pos = body + size;
  }
  return out;
}

let bytesCache: Uint8Array<ArrayBuffer> | null = null;

/** The kernel module's bytes (decoded once). */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  return (bytesCache ??= decode(KERNELS_BASE64));
}

/** Whether this host runs WebAssembly with 128-bit SIMD (a tiny probe module validates). */
export function simdSupported(): boolean {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return false;
  // (module (func (result v128) (v128.const i32x4 0 0 0 0)))
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
  ]);
  try {
    return WebAssembly.validate(probe);
  } catch {
    return false;
  }
}

/** Compiles synchronously, or returns null where the host forbids it (a browser's main thread). */
export function compileSync(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(bytes);
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) throw e;
    return null;
  }
}
