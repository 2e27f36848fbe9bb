// The JSON results document: everything measured in the run, the plan it followed, and the
// ratios computed from it. The tables, the chart and the README table are all rendered from it.
import { arch, availableParallelism, cpus, loadavg, platform, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import type { TimeBudget } from '../measure.js';
import type { CaseSpec, Preset, WorkloadId } from '../plan.js';
import { gradOffRatios, peerRatios, type CaseResult, type LibraryInfo, type PeerRatio } from '../results.js';

/** A grad-off ÷ grad-on ratio as stored: the two results are named by case id. */
export interface GradOffEntry {
  library: string;
  workload: WorkloadId;
  size: number | null;
  phase: string;
  mode: string;
  gradCaseId: string;
  offCaseId: string;
  time: number | null;
  processBytes: number | null;
  tensorBytes: number | null;
}

export interface Environment {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpu: string;
  cores: number;
  totalMemoryBytes: number;
  /** The commit the run was built from, if git can tell. */
  commit: string | null;
  /** 1-minute load average when the run started and ended: above the core count, other processes competed for the CPU. */
  load: { start: number; end: number };
}

/** The 1-minute load average now (taken at the start of a run and again in environment()). */
export function loadNow(): number {
  return loadavg()[0];
}

/** Whether other work competed for the CPU during the run (our own process accounts for ~1). */
export function busy(e: Environment): boolean {
  return Math.max(e.load.start, e.load.end) > e.cores + 0.5;
}

export interface BenchReport {
  schema: 'torchlet-bench/1';
  startedAt: string;
  durationMs: number;
  preset: Preset['name'];
  filter: string | null;
  compare: boolean;
  workloads: WorkloadId[];
  budget: TimeBudget;
  environment: Environment;
  libraries: LibraryInfo[];
  cases: CaseSpec[];
  results: CaseResult[];
  ratios: { gradOff: GradOffEntry[]; peers: PeerRatio[] };
}

/** The machine and runtime the numbers were taken on. */
export function environment(loadAtStart: number): Environment {
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    commit = null; // not a checkout (or no git): the report simply has no commit
  }
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    arch: arch(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    totalMemoryBytes: totalmem(),
    commit,
    load: { start: loadAtStart, end: loadNow() },
  };
}

/** Assembles the document and its ratios. */
export function buildReport(base: Omit<BenchReport, 'schema' | 'ratios'>): BenchReport {
  const gradOff = gradOffRatios(base.results).map((g) => ({
    library: g.library,
    workload: g.workload,
    size: g.size,
    phase: g.phase,
    mode: g.mode,
    gradCaseId: g.grad.caseId,
    offCaseId: g.off.caseId,
    time: g.time,
    processBytes: g.processBytes,
    tensorBytes: g.tensorBytes,
  }));
  return { schema: 'torchlet-bench/1', ...base, ratios: { gradOff, peers: peerRatios(base.results) } };
}
