// The shape every Node library's workload takes, and the driver that measures it. torchlet's
// workloads (this folder) and the tfjs peer (peers/tfjs-workloads.ts) both produce Tasks, so
// both are timed and weighed by the same code.
import { retained, rotation, roundBudget, sample, type TensorCounter, type TimeBudget } from '../measure.js';
import { comparisonGroups, type CaseSpec, type LibraryId, type WorkloadId } from '../plan.js';
import { withRates, type CaseResult } from '../results.js';
import { summarize } from '../stats.js';

/** How one library runs one case. */
export interface Task {
  /** The timed call. Whatever it returns is dropped (or released) right away. */
  run: () => unknown;
  /** Untimed preparation before every call, e.g. building the graph a backward consumes. */
  beforeEach?: () => void;
  /** Builds one output to keep alive for the memory figure; defaults to `run`. */
  make?: () => unknown;
  /** Frees kept outputs where the library needs it (tfjs `dispose`). */
  release?: (kept: unknown[]) => void;
  /** A value the computation produces, compared across libraries (e.g. the regression's final loss). */
  check?: () => number;
}

/** Builds the Task for a case of one workload, or null where the library does not run that case. */
export type Workload = (c: CaseSpec) => Task | null;

/** A library's workloads, built lazily so a filtered run never allocates the others' models. */
export type WorkloadSet = Record<WorkloadId, () => Workload>;

/** Reports what is being measured now. */
export type Progress = (c: CaseSpec, stage: 'time' | 'memory') => void;

/**
 * Measures the given cases with one library's workloads. The grad modes of one workload and phase
 * are timed interleaved, in `budget.rounds` rotated rounds, so a change in machine load during
 * the run hits every mode alike and their ratio stays fair; memory is measured afterwards.
 */
export async function measureCases(
  library: LibraryId,
  cases: readonly CaseSpec[],
  workloads: WorkloadSet,
  budget: TimeBudget,
  counter: TensorCounter,
  progress: Progress,
  onResult: (r: CaseResult) => void = () => {},
): Promise<CaseResult[]> {
  const built = new Map<WorkloadId, Workload>();
  const results: CaseResult[] = [];
  for (const group of comparisonGroups(cases)) {
    const runs: { c: CaseSpec; task: Task; samples: number[] }[] = [];
    for (const c of group) {
      if (!built.has(c.workload)) built.set(c.workload, workloads[c.workload]());
      const task = built.get(c.workload)!(c);
      if (task) runs.push({ c, task, samples: [] });
    }
    for (let r = 0; r < budget.rounds; r++) {
      for (const i of rotation(runs.length, r)) {
        const { c, task, samples } = runs[i];
        progress(c, 'time');
        // a loop, not push(...xs): a fast task yields more samples than a call may take arguments
        for (const x of await sample(c.id, task.run, roundBudget(budget, r), task.beforeEach)) samples.push(x);
      }
    }
    for (const { c, task, samples } of runs) {
      let memory = null;
      if (c.memoryCopies > 0) {
        progress(c, 'memory');
        memory = await retained(task.make ?? task.run, c.memoryCopies, counter, task.release);
      }
      const check = task.check ? task.check() : null;
      const r = withRates({ library, caseId: c.id, workload: c.workload, size: c.size, phase: c.phase, mode: c.mode, timing: summarize(samples), derived: null, memory, check }, c);
      results.push(r);
      onResult(r);
    }
  }
  return results;
}
