// Which backend runs the kernels. Ops call `kernels()` at each use, so switching takes effect
// immediately; results agree across backends within float tolerance.
import { ArgumentError } from '../errors.js';
import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';
import { loadWasmBackend } from './wasm/index.js';

const backends = new Map<string, Backend>([[jsBackend.name, jsBackend]]);
let active: Backend = jsBackend;
let chosen = false;

/** The backend that runs kernels now. @internal */
export function kernels(): Backend {
  return active;
}

/** Name of the kernel backend in use (`'js'`, or `'wasm'` where available). */
export function getBackend(): string {
  return active.name;
}

/** Names of the backends that can be selected here. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Selects the kernel backend by name; throws listing the available ones if unknown. */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new ArgumentError(`setBackend: unknown backend ${JSON.stringify(name)}; available: ${listBackends().join(', ')}`);
  active = b;
  chosen = true;
}

/** Makes a backend selectable by name (used by the WebAssembly backend when it loads). */
export function registerBackend(backend: Backend, makeDefault = false): void {
  backends.set(backend.name, backend);
  if (makeDefault) active = backend;
}

// The WebAssembly backend becomes the default wherever WebAssembly SIMD exists, unless a backend
// was chosen with setBackend() before it finished loading (browsers compile it asynchronously).
const wasmLoaded = loadWasmBackend((b) => registerBackend(b, !chosen));

/**
 * Resolves, with the active backend's name, once the WebAssembly backend has loaded (or turned
 * out to be unavailable). Node loads it synchronously at import; in browsers, await this before
 * the first op to run on the SIMD kernels from the start.
 */
export async function initBackend(): Promise<string> {
  await wasmLoaded;
  return active.name;
}
