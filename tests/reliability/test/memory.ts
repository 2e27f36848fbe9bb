// Forced garbage collection and memory readings (as packages/core/test/helpers/memory.ts). The vitest
// project passes --expose-gc; without it, the flag is turned on at run time (V8 allows that) and the
// gc function fetched from a fresh context.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = () => void;

function findGc(): Gc {
  const g = (globalThis as { gc?: Gc }).gc;
  if (typeof g === 'function') return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as Gc;
}

const gc = findGc();

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Full GCs with event-loop turns between them, so FinalizationRegistry callbacks (core's memory
 * counter, the wasm operand cache) run and what they free is collected too.
 */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    gc();
    await turn();
  }
}

/** Memory in use after settling: JS heap and ArrayBuffer storage (typed arrays). */
export interface Reading {
  heap: number;
  arrayBuffers: number;
  total: number;
}

export async function reading(): Promise<Reading> {
  await settle();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers, total: m.heapUsed + m.arrayBuffers };
}

export const MB = 1024 * 1024;
export const fmtMB = (bytes: number): string => `${(bytes / MB).toFixed(2)} MB`;
