// Resident copies of operands in WebAssembly memory, so that operands used again and again
// (weights, and activations that the backward pass reads) are copied in once. An entry is
// keyed by the JavaScript typed array (WeakMap) and the storage `version` the ops pass along,
// which changes on every in-place write: a different version drops the array's entries.
// Entries are evicted least-recently-used when the byte budget is exceeded, and freed when their
// array is garbage collected (FinalizationRegistry). Entries used by the running kernel call
// are pinned (their `lastUse` is the current epoch) and never evicted under it.
import type { TypedArray } from '../../dtype.js';
import { type Heap, WasmOutOfMemory } from './heap.js';

interface Entry {
  readonly list: Entry[];
  version: number;
  /** 'raw' for a copy of data[lo, hi); otherwise a layout key (e.g. a packed matmul operand). */
  readonly kind: string;
  readonly lo: number;
  readonly hi: number;
  readonly ptr: number;
  readonly bytes: number;
  lastUse: number;
}

export interface CacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

export class ResidentCache {
  private readonly byArray = new WeakMap<TypedArray, Entry[]>();
  private readonly lru = new Set<Entry>();
  private readonly finalizer: FinalizationRegistry<Entry[]> | null;
  /** Bytes held by entries. */
  bytes = 0;
  hits = 0;
  misses = 0;
  epoch = 0;

  constructor(
    private readonly heap: Heap,
    /** Most bytes the entries may hold. */
    public budget: number,
  ) {
    this.finalizer = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((list) => this.dropList(list)) : null;
  }

  /** Starts a kernel call: entries used from now on are pinned until the next call. */
  begin(): void {
    this.epoch++;
  }

  /** A resident entry of `data` at `version` of the given kind covering [lo, hi), or null. */
  find(data: TypedArray, version: number, kind: string, lo: number, hi: number): number | null {
    const list = this.byArray.get(data);
    if (list === undefined) return null;
    if (list.length > 0 && list[0].version !== version) {
      this.dropList(list);
      return null;
    }
    for (const e of list) {
      if (e.kind === kind && e.lo <= lo && hi <= e.hi) {
        e.lastUse = this.epoch;
        this.lru.delete(e);
        this.lru.add(e);
        this.hits++;
        return e.ptr + (kind === 'raw' ? (lo - e.lo) * data.BYTES_PER_ELEMENT : 0);
      }
    }
    return null;
  }

  /**
   * Allocates an entry for `data` at `version` and returns its address, or null when it should
   * not be cached (larger than a quarter of the budget); the caller fills it.
   */
  insert(data: TypedArray, version: number, kind: string, lo: number, hi: number, bytes: number): number | null {
    if (bytes > this.budget / 4) return null;
    this.misses++;
    let list = this.byArray.get(data);
    if (list !== undefined && list.length > 0 && list[0].version !== version) this.dropList(list);
    this.evictTo(this.budget - bytes);
    const ptr = this.alloc(bytes);
    if (list === undefined) {
      list = [];
      this.byArray.set(data, list);
      this.finalizer?.register(data, list);
    }
    const e: Entry = { list, version, kind, lo, hi, ptr, bytes, lastUse: this.epoch };
    list.push(e);
    this.lru.add(e);
    this.bytes += bytes;
    return ptr;
  }

  /** Allocates scratch memory, evicting unpinned entries if memory is full; throws WasmOutOfMemory. */
  alloc(bytes: number): number {
    for (;;) {
      const p = this.heap.tryAlloc(bytes);
      if (p !== null) return p;
      if (!this.evictOne()) throw new WasmOutOfMemory(`torchlet wasm: cannot allocate ${bytes} bytes`);
    }
  }

  /**
   * After a kernel wrote `data[lo, hi)` through its resident copy at `version` and the caller is
   * about to bump the storage to `version + 1`: raw copies containing that range (now holding the
   * new values) and raw copies not touching it move to the new version; packed layouts and
   * partial overlaps are dropped.
   */
  written(data: TypedArray, version: number, lo: number, hi: number): void {
    const list = this.byArray.get(data);
    if (list === undefined) return;
    for (const e of list.slice()) {
      const disjoint = e.hi <= lo || hi <= e.lo;
      const contains = e.lo <= lo && hi <= e.hi;
      if (e.version === version && e.kind === 'raw' && (disjoint || contains)) e.version = version + 1;
      else this.drop(e);
    }
  }

  /** Drops every entry (e.g. when the budget changes, or in tests). */
  clear(): void {
    for (const e of [...this.lru]) this.drop(e);
  }

  stats(): CacheStats {
    return { entries: this.lru.size, bytes: this.bytes, hits: this.hits, misses: this.misses };
  }

  private evictTo(limit: number): void {
    while (this.bytes > limit && this.evictOne()) {
      // keep evicting
    }
  }

  private evictOne(): boolean {
    for (const e of this.lru) {
      if (e.lastUse === this.epoch) continue;
      this.drop(e);
      return true;
    }
    return false;
  }

  private dropList(list: Entry[]): void {
    for (const e of list.slice()) this.drop(e);
  }

  private drop(e: Entry): void {
    if (!this.lru.delete(e)) return;
    const i = e.list.indexOf(e);
    if (i >= 0) e.list.splice(i, 1);
    this.bytes -= e.bytes;
    this.heap.free(e.ptr);
  }
}
