// Loading the WebAssembly backend. Where WebAssembly SIMD exists it compiles the embedded module
// (synchronously on Node and wherever the host allows, else asynchronously), creates the memory
// (shared, with a worker pool, where the host allows threads) and registers the backend as the
// default. `initBackend()` (in the registry) awaits the asynchronous case.
import { ArgumentError } from '../../errors.js';
import type { Backend } from '../backend.js';
import { makeWasmBackend } from './backend.js';
import { compileSync, kernelBytes, simdSupported, unsharedVariant } from './module.js';
import { Runtime, createMemory } from './runtime.js';

let runtime: Runtime | null = null;

function start(module: WebAssembly.Module, memory: WebAssembly.Memory, shared: boolean, register: (b: Backend) => void): void {
  runtime = new Runtime(module, memory, shared);
  register(makeWasmBackend(runtime));
}

/**
 * Loads the wasm backend and calls `register` with it; the promise settles when that happened
 * (at once when compiled synchronously) or the backend turned out to be unavailable (resolves
 * false). Never rejects: a host without WebAssembly SIMD keeps the JavaScript backend.
 */
export function loadWasmBackend(register: (b: Backend) => void): Promise<boolean> {
  try {
    if (!simdSupported()) return Promise.resolve(false);
    const { memory, shared } = createMemory();
    const bytes = shared ? kernelBytes() : unsharedVariant(kernelBytes());
    const module = compileSync(bytes);
    if (module !== null) {
      start(module, memory, shared, register);
      return Promise.resolve(true);
    }
    return WebAssembly.compile(bytes).then(
      (m) => {
        start(m, memory, shared, register);
        return true;
      },
      () => false,
    );
  } catch {
    return Promise.resolve(false);
  }
}

/** The loaded runtime, for tests and tools. @internal */
export function wasmRuntime(): Runtime | null {
  return runtime;
}

/**
 * Sets how many threads the wasm kernels may use (the calling thread included), like
 * `torch.set_num_threads`. Clamped to what the host supports: 1 without shared memory, or on a
 * browser's main thread. Results do not depend on it.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`setNumThreads: expected a positive integer, got ${n}`);
  if (runtime !== null) runtime.threads = Math.min(n, runtime.maxThreads);
}

/** Threads the wasm kernels may use (1 when only the JavaScript backend is loaded). */
export function getNumThreads(): number {
  return runtime === null ? 1 : runtime.threads;
}
