// Vitest setup: TORCHLET_BACKEND=js|wasm selects the kernel backend for the whole run, so the
// suite runs on both (`pnpm test` runs it twice; see package.json). Unset, the default stays:
// wasm wherever WebAssembly SIMD exists.
import { getBackend, setBackend } from '@torchlet/core';

const wanted = process.env.TORCHLET_BACKEND;
if (wanted !== undefined && wanted !== '') setBackend(wanted);
if (wanted !== undefined && wanted !== '' && getBackend() !== wanted) throw new Error(`TORCHLET_BACKEND=${wanted} not selected`);
