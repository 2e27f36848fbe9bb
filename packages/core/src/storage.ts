// Allocation of tensor storage, and the optional live-memory counter behind `memoryStats()`.
import { type DType, ITEM_SIZE, type TypedArray } from './dtype.js';
import { ShapeError } from './errors.js';

let tracking = false;
let liveTensors = 0;
let liveBytes = 0;
// Registering costs ~0.25 µs per allocation, so tracking only starts when someone asks for it.
let registry: FinalizationRegistry<number> | null = null;

/** A new zero-filled storage array of `n` elements. */
export function allocate(dtype: DType, n: number): TypedArray {
  // one `new` site per array type keeps each allocation monomorphic (a keyed constructor is not)
  let data: TypedArray;
  try {
    data =
      dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
  } catch (e) {
    // the typed-array constructors throw RangeError for lengths they cannot hold or memory the
    // engine cannot reserve; say so as PyTorch's allocator does
    if (e instanceof RangeError) throw outOfMemory(dtype, n);
    throw e;
  }
  if (tracking) track(data);
  return data;
}

function outOfMemory(dtype: DType, n: number): ShapeError {
  const bytes = BigInt(Math.round(n)) * BigInt(ITEM_SIZE[dtype]);
  return new ShapeError(
    `DefaultCPUAllocator: can't allocate memory: you tried to allocate ${bytes} bytes (${n} elements of ${dtype}); ` +
      'the JavaScript engine cannot hold an array that large. Use smaller sizes.',
  );
}

/** Counts storage created outside `allocate` (e.g. typed arrays handed to `tensor()`). */
export function adoptStorage(data: TypedArray): void {
  if (tracking) track(data);
}

function track(data: TypedArray): void {
  registry ??= new FinalizationRegistry((bytes: number) => {
    liveTensors--;
    liveBytes -= bytes;
  });
  liveTensors++;
  liveBytes += data.byteLength;
  registry.register(data, data.byteLength);
}

/** Live storage held by tensors. */
export interface MemoryStats {
  /** Storage buffers allocated since tracking began and not yet garbage collected. */
  liveTensors: number;
  /** Their total size in bytes. */
  liveBytes: number;
  /** Whether allocations are being counted. */
  tracking: boolean;
}

/**
 * Storage currently held by tensors: buffers created since tracking began (the first call of
 * `memoryStats()` or `setMemoryTracking(true)`) that the garbage collector has not reclaimed.
 * Freed storage is subtracted after a GC cycle and a turn of the event loop.
 */
export function memoryStats(): MemoryStats {
  tracking = true;
  return { liveTensors, liveBytes, tracking };
}

/** Turns the live-memory counter on or off (it costs about 0.25 µs per allocation while on). */
export function setMemoryTracking(enabled: boolean): void {
  tracking = enabled;
}
