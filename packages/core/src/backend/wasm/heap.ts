// The kernels' linear memory and a first-fit allocator over it. Blocks are 64-byte aligned
// (a cache line); free blocks are kept sorted by address and merged with their neighbours.
// The memory grows on demand up to its maximum; it never shrinks (WebAssembly cannot).

const ALIGN = 64;
const PAGE = 65536;

/** Thrown when the linear memory cannot grow to fit a request; callers fall back to JavaScript. */
export class WasmOutOfMemory extends Error {}

export class Heap {
  readonly memory: WebAssembly.Memory;
  /** Views of the whole memory, renewed when it grows. */
  f32!: Float32Array;
  f64!: Float64Array;
  i32!: Int32Array;
  u8!: Uint8Array;
  // free blocks as parallel sorted arrays of start and size
  private freeStart: number[] = [];
  private freeSize: number[] = [];
  private readonly sizes = new Map<number, number>();
  /** Bytes currently allocated. */
  used = 0;

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    const start = Math.ceil(heapBase / ALIGN) * ALIGN;
    this.refresh();
    this.freeStart.push(start);
    this.freeSize.push(memory.buffer.byteLength - start);
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    this.f32 = new Float32Array(buf);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.u8 = new Uint8Array(buf);
  }

  /** Renews the views if another agent grew the memory. */
  sync(): void {
    if (this.u8.byteLength !== this.memory.buffer.byteLength) this.refresh();
  }

  /** Allocates `bytes` (rounded up to 64) and returns the address, or null if memory is full. */
  tryAlloc(bytes: number): number | null {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.freeStart.length; i++) {
      if (this.freeSize[i] >= size) return this.take(i, size);
    }
    // grow: the last free block may touch the end of memory
    const end = this.memory.buffer.byteLength;
    const last = this.freeStart.length - 1;
    const tail = last >= 0 && this.freeStart[last] + this.freeSize[last] === end ? this.freeSize[last] : 0;
    const pages = Math.ceil((size - tail) / PAGE);
    // grow generously (at least a quarter of the current size) to limit the number of grows
    const extra = Math.max(pages, Math.ceil(end / PAGE / 4));
    if (!this.grow(extra) && !this.grow(pages)) return null;
    this.refresh();
    if (tail > 0) this.freeSize[last] += this.memory.buffer.byteLength - end;
    else {
      this.freeStart.push(end);
      this.freeSize.push(this.memory.buffer.byteLength - end);
    }
    return this.take(this.freeStart.length - 1, size);
  }

  private grow(pages: number): boolean {
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
  }

  private take(i: number, size: number): number {
    const ptr = this.freeStart[i];
    if (this.freeSize[i] === size) {
      this.freeStart.splice(i, 1);
      this.freeSize.splice(i, 1);
    } else {
      this.freeStart[i] += size;
      this.freeSize[i] -= size;
    }
    this.sizes.set(ptr, size);
    this.used += size;
    return ptr;
  }

  /** Returns a block to the free list. */
  free(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`torchlet wasm: free of unknown block ${ptr}`);
    this.sizes.delete(ptr);
    this.used -= size;
    // binary search for the insertion point
    let lo = 0, hi = this.freeStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.freeStart[mid] < ptr) lo = mid + 1;
      else hi = mid;
    }
    const mergePrev = lo > 0 && this.freeStart[lo - 1] + this.freeSize[lo - 1] === ptr;
    const mergeNext = lo < this.freeStart.length && ptr + size === this.freeStart[lo];
    if (mergePrev && mergeNext) {
      this.freeSize[lo - 1] += size + this.freeSize[lo];
      this.freeStart.splice(lo, 1);
      this.freeSize.splice(lo, 1);
    } else if (mergePrev) {
      this.freeSize[lo - 1] += size;
    } else if (mergeNext) {
      this.freeStart[lo] = ptr;
      this.freeSize[lo] += size;
    } else {
      this.freeStart.splice(lo, 0, ptr);
      this.freeSize.splice(lo, 0, size);
    }
  }

  /** Size of an allocated block. */
  sizeOf(ptr: number): number {
    return this.sizes.get(ptr) ?? 0;
  }

  /** Number of free blocks (for tests of fragmentation). */
  get freeBlocks(): number {
    return this.freeStart.length;
  }
}
