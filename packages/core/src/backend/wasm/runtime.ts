// One instance of the kernel module with its memory, allocator, operand cache and thread pool,
// and the per-call bookkeeping shared by the wasm kernels: copying operands in (through the
// cache when the op passed a storage version), scratch memory freed when the call ends.
import type { TypedArray } from '../../dtype.js';
import { ResidentCache } from './cache.js';
import { Heap } from './heap.js';
import { type KernelExports, POOL_FUNCTIONS } from './module.js';
import { CTRL } from './worker-source.js';
import { MAX_WORKERS, Pool, hostThreads } from './pool.js';

/** Default byte budget of the operand cache. */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
/** Most pages the memory may grow to (2 GiB). */
const MAX_PAGES = 32768;

/** Creates the kernels' memory: shared where the host allows (threads), else unshared. */
export function createMemory(): { memory: WebAssembly.Memory; shared: boolean } {
  if (typeof SharedArrayBuffer === 'function') {
    for (const maximum of [MAX_PAGES, MAX_PAGES / 2, MAX_PAGES / 8]) {
      try {
        return { memory: new WebAssembly.Memory({ initial: 256, maximum, shared: true }), shared: true };
      } catch {
        // try a smaller reservation
      }
    }
  }
  return { memory: new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES }), shared: false };
}

export class Runtime {
  readonly exports: KernelExports;
  readonly heap: Heap;
  readonly cache: ResidentCache;
  readonly pool: Pool | null;
  /** Threads a kernel may use (the caller included). */
  threads: number;
  /** A 128-byte block for job descriptors, and 16 bytes for a scalar operand. */
  readonly jobPtr: number;
  readonly scalarPtr: number;
  private scratch: number[] = [];

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, shared: boolean) {
    const instance = new WebAssembly.Instance(module, { env: { memory, log: Math.log } });
    this.exports = instance.exports as unknown as KernelExports;
    this.heap = new Heap(memory, this.exports.__heap_base.value as number);
    this.cache = new ResidentCache(this.heap, DEFAULT_CACHE_BYTES);
    const ctrl = this.heap.tryAlloc(4 * (CTRL.SLOTS + MAX_WORKERS))!;
    this.jobPtr = this.heap.tryAlloc(128)!;
    this.scalarPtr = this.heap.tryAlloc(16)!;
    this.heap.i32.fill(0, ctrl >> 2, (ctrl >> 2) + CTRL.SLOTS + MAX_WORKERS);
    const host = shared ? Math.min(hostThreads(), MAX_WORKERS + 1) : 1;
    this.pool = host > 1 ? new Pool(module, memory, ctrl, POOL_FUNCTIONS) : null;
    this.threads = host;
  }

  /** Most threads this host supports. */
  get maxThreads(): number {
    return this.pool === null ? 1 : MAX_WORKERS + 1;
  }

  /** Starts a kernel call. */
  begin(): void {
    this.cache.begin();
    this.heap.sync();
  }

  /** Ends a kernel call: frees its scratch memory. */
  end(): void {
    for (const p of this.scratch) this.heap.free(p);
    this.scratch.length = 0;
  }

  /** Scratch memory for the current call. */
  alloc(bytes: number): number {
    const p = this.cache.alloc(bytes);
    this.scratch.push(p);
    return p;
  }

  /**
   * Address of a copy of `data[lo, hi)` in wasm memory: a cached copy when `version` is known
   * (copied in on a miss), else a scratch copy.
   */
  operand(data: TypedArray, version: number | undefined, lo: number, hi: number): number {
    const bytes = (hi - lo) * data.BYTES_PER_ELEMENT;
    if (version !== undefined) {
      const hit = this.cache.find(data, version, 'raw', lo, hi);
      if (hit !== null) return hit;
      const p = this.cache.insert(data, version, 'raw', lo, hi, bytes);
      if (p !== null) {
        this.copyIn(data, lo, hi, p);
        return p;
      }
    }
    const p = this.alloc(bytes);
    this.copyIn(data, lo, hi, p);
    return p;
  }

  private copyIn(data: TypedArray, lo: number, hi: number, p: number): void {
    if (data instanceof Float32Array) this.heap.f32.set(data.subarray(lo, hi), p >> 2);
    else {
      const bpe = data.BYTES_PER_ELEMENT;
      this.heap.u8.set(new Uint8Array(data.buffer, data.byteOffset + lo * bpe, (hi - lo) * bpe), p);
    }
  }

  /** Runs pool function `fn` on `arg` with up to `threads` threads (starting workers lazily). */
  parallel(fn: number, arg: number, threads: number, local: () => void): void {
    if (this.pool === null || threads <= 1) {
      local();
      return;
    }
    if (this.pool.size < threads - 1) this.pool.grow(threads - 1);
    this.pool.run(fn, arg, threads, local);
  }
}

/** Whether `data` is float32 storage the wasm kernels take. */
export function isF32(data: TypedArray): data is Float32Array {
  return data instanceof Float32Array;
}
