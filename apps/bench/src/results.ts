// What a run produces, and the two kinds of ratio the report is about: grad off ÷ grad on within
// one library (the headline) and peer ÷ torchlet for the same case.
import type { Retained } from './measure.js';
import type { CaseSpec, LibraryId, Mode, Phase, WorkloadId } from './plan.js';
import type { Timing } from './stats.js';

/** One library's figures for one case. Exactly one of `timing` and `derived` is set. */
export interface CaseResult {
  library: LibraryId;
  caseId: string;
  workload: WorkloadId;
  size: number | null;
  phase: Phase;
  mode: Mode;
  /** Measured latency per call (ms). */
  timing: Timing | null;
  /** A median computed from other cases' medians, never measured itself (tfjs backward alone). */
  derived: { medianMs: number; formula: string } | null;
  memory: Retained | null;
  /** Median cost per tensor op (µs), where the case has a known op count. */
  perOpUs: number | null;
  /** Throughput at the median (GFLOP/s), for matmul. */
  gflops: number | null;
  /** A value the computation produced, to show the libraries agree (regression: final loss). */
  check: number | null;
}

/** Who ran, how, and what the memory figures mean for that library. */
export interface LibraryInfo {
  id: LibraryId;
  name: string;
  version: string;
  /** Kernel backend, e.g. torchlet's `getBackend()`, tfjs `cpu`/`wasm`, PyTorch's BLAS. */
  backend: string;
  threads: number;
  /** Where the thread count comes from. */
  threadSource: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why a library was skipped or failed, or anything else a reader must know. */
  notes: string[];
  memory: { process: string; tensors: string };
}

/** Median latency of a result, measured or derived. */
export function medianOf(r: CaseResult): number {
  return r.timing ? r.timing.median : r.derived!.medianMs;
}

/** Fills the per-op and GFLOP/s figures from the median. */
export function withRates(r: Omit<CaseResult, 'perOpUs' | 'gflops'>, spec: CaseSpec): CaseResult {
  const ms = r.timing ? r.timing.median : r.derived!.medianMs;
  return {
    ...r,
    perOpUs: spec.opsPerCall ? (ms * 1000) / spec.opsPerCall : null,
    gflops: spec.flops ? spec.flops / (ms * 1e6) : null,
  };
}

/** `a / b`, or null where the quotient means nothing (missing, zero or negative denominator). */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return a / b;
}

/** Grad off ÷ grad on for one library, workload and phase. */
export interface GradOffRatio {
  library: LibraryId;
  workload: WorkloadId;
  size: number | null;
  phase: Phase;
  /** The grad-off mode compared with `grad`. */
  mode: Exclude<Mode, 'grad'>;
  grad: CaseResult;
  off: CaseResult;
  time: number | null;
  processBytes: number | null;
  tensorBytes: number | null;
}

const sameCase = (a: CaseResult, b: CaseResult) => a.workload === b.workload && a.size === b.size && a.phase === b.phase;

/** Every measured grad-off ÷ grad-on pair (derived medians are not used for the headline). */
export function gradOffRatios(results: readonly CaseResult[]): GradOffRatio[] {
  const out: GradOffRatio[] = [];
  for (const grad of results) {
    if (grad.mode !== 'grad' || !grad.timing) continue;
    for (const off of results) {
      if (off.library !== grad.library || off.mode === 'grad' || !off.timing || !sameCase(grad, off)) continue;
      out.push({
        library: grad.library,
        workload: grad.workload,
        size: grad.size,
        phase: grad.phase,
        mode: off.mode,
        grad,
        off,
        time: ratio(off.timing.median, grad.timing.median),
        processBytes: ratio(off.memory?.processBytes, grad.memory?.processBytes),
        tensorBytes: ratio(off.memory?.tensorBytes, grad.memory?.tensorBytes),
      });
    }
  }
  return out;
}

/** A peer's median ÷ torchlet's for the same case: 0.5 means the peer takes half the time. */
export interface PeerRatio {
  caseId: string;
  library: LibraryId;
  time: number | null;
  derived: boolean;
}

export function peerRatios(results: readonly CaseResult[]): PeerRatio[] {
  const torchlet = new Map(results.filter((r) => r.library === 'torchlet').map((r) => [r.caseId, r]));
  return results
    .filter((r) => r.library !== 'torchlet' && torchlet.has(r.caseId))
    .map((r) => {
      const t = torchlet.get(r.caseId)!;
      return { caseId: r.caseId, library: r.library, time: ratio(medianOf(r), medianOf(t)), derived: r.derived !== null || t.derived !== null };
    });
}

/**
 * Medians a library cannot measure directly, from its measured ones. The only rule: backward
 * alone = forward+backward − forward, for libraries (tfjs) whose graph exists only inside a
 * gradient call; marked as derived everywhere it is shown.
 */
export function deriveResults(library: LibraryId, derivedCases: readonly CaseSpec[], measured: readonly CaseResult[]): CaseResult[] {
  const out: CaseResult[] = [];
  for (const c of derivedCases) {
    if (c.phase !== 'backward') continue;
    const find = (phase: Phase) => measured.find((r) => r.library === library && r.workload === c.workload && r.size === c.size && r.phase === phase && r.timing);
    const both = find('forward+backward');
    const fwd = find('forward');
    if (!both || !fwd) continue;
    const medianMs = both.timing!.median - fwd.timing!.median;
    out.push(
      withRates(
        {
          library,
          caseId: c.id,
          workload: c.workload,
          size: c.size,
          phase: c.phase,
          mode: c.mode,
          timing: null,
          derived: { medianMs, formula: `median(${both.caseId}) − median(${fwd.caseId})` },
          memory: null,
          check: null,
        },
        c,
      ),
    );
  }
  return out;
}
