// @torchlet/nn/node: file helpers that need Node's fs. A separate entry point, so the main
// entry never imports node:fs and stays usable in browser bundles. It imports the package by
// name, so both entries share one copy of the code at run time.
/**
 * File helpers that need Node's `fs`: `saveSafetensorsFile` and `loadSafetensorsFile`.
 * @module @torchlet/nn/node
 */
import { readFile, writeFile } from 'node:fs/promises';
import { ArgumentError } from '@torchlet/core';
import { loadSafetensors, saveSafetensors, type StateDict, type StateDictInput } from '@torchlet/nn';

/** Writes tensors (e.g. `model.stateDict()`) to a `.safetensors` file. */
export async function saveSafetensorsFile(path: string, tensors: StateDictInput, metadata?: Record<string, string> | null): Promise<void> {
  checkPath(path, 'saveSafetensorsFile');
  await writeFile(path, saveSafetensors(tensors, metadata));
}

/** Reads a `.safetensors` file into a state dict, ready for `model.loadStateDict(...)`. */
export async function loadSafetensorsFile(path: string): Promise<StateDict> {
  checkPath(path, 'loadSafetensorsFile');
  return loadSafetensors(new Uint8Array(await readFile(path)));
}

function checkPath(path: unknown, op: string): void {
  if (typeof path !== 'string' && !(path instanceof URL)) throw new ArgumentError(`${op}(): path must be a string or a URL, got ${typeof path}`);
}
