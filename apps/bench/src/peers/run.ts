// Runs the peers one after another (never concurrently: on 2 cores they would time each other),
// each on the cases it can run, and adds the figures it can only derive.
import type { TimeBudget } from '../measure.js';
import { support, type CaseSpec, type LibraryId } from '../plan.js';
import { deriveResults, type CaseResult, type LibraryInfo } from '../results.js';
import type { PeerRequest } from './protocol.js';
import { runPytorch } from './pytorch.js';
import { runTfjs } from './tfjs.js';

export const PEERS = ['tfjs-cpu', 'tfjs-wasm', 'pytorch'] as const satisfies readonly LibraryId[];
export type PeerId = (typeof PEERS)[number];

/** What the orchestrator hears from a running peer. */
export interface PeerEvents {
  progress(c: CaseSpec, stage: 'time' | 'memory'): void;
  result(r: CaseResult): void;
}

/** The cases a peer measures itself. */
export function measuredBy(library: LibraryId, cases: readonly CaseSpec[]): CaseSpec[] {
  return cases.filter((c) => support(library, c) === 'measured');
}

/** Runs one peer on the plan's cases; never throws for an unavailable library (it is reported). */
export async function runOnePeer(library: PeerId, cases: readonly CaseSpec[], budget: TimeBudget, events: PeerEvents): Promise<{ info: LibraryInfo; results: CaseResult[] }> {
  const request: PeerRequest = { library, cases: measuredBy(library, cases), budget };
  const out = library === 'pytorch' ? await runPytorch(request, events) : await runTfjs(library, request, events);
  const derived = deriveResults(library, cases.filter((c) => support(library, c) === 'derived'), out.results);
  return { info: out.info, results: [...out.results, ...derived] };
}
