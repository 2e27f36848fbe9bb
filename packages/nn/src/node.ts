// @torchlet/nn/node: file helpers that need Node's fs. A separate entry point, so the main
// entry never imports node:fs and stays usable in browser bundles. It imports the package by
// name, so both entries share one copy of the code at run time.
import { readFile, writeFile } from 'node:fs/promises';
import { loadSafetensors, saveSafetensors, type StateDict, type StateDictInput } from '@torchlet/nn';

/** Writes tensors (e.g. `model.stateDict()`) to a `.safetensors` file. */
export async function saveSafetensorsFile(path: string, tensors: StateDictInput, metadata?: Record<string, string> | null): Promise<void> {
  await writeFile(path, saveSafetensors(tensors, metadata));
}

/** Reads a `.safetensors` file into a state dict, ready for `model.loadStateDict(...)`. */
export async function loadSafetensorsFile(path: string): Promise<StateDict> {
  return loadSafetensors(new Uint8Array(await readFile(path)));
}
