// A persistent pool of worker threads that run kernel jobs on the shared memory together with
// the calling thread. The public API is synchronous, so the caller runs its share of a job and
// then waits for the workers that took part (Atomics.wait, allowed on Node's main thread and in
// browser workers). A worker that has not picked the job up by then is cancelled instead of
// waited for: kernels hand out work through atomic counters, so the caller alone can finish.
// Workers are unref'd (Node) so they never keep a process alive.
import { CTRL, SLOT, WORKER_SOURCE } from './worker-source.js';

interface WorkerLike {
  terminate(): unknown;
}

type NodeWorkerCtor = new (src: string, opts: { eval: true; workerData: unknown }) => WorkerLike & { unref(): void; on(ev: string, f: (...a: any[]) => void): void };

/** How long an idle worker spins before sleeping, so that back-to-back kernels find it awake. */
const SPIN_MS = 5;
/** Control-block slots available for workers. */
export const MAX_WORKERS = 15;

function nodeWorkerCtor(): NodeWorkerCtor | null {
  const proc = (globalThis as any).process;
  if (typeof proc !== 'object' || proc === null || typeof proc.versions?.node !== 'string') return null;
  if (typeof proc.getBuiltinModule !== 'function') return null; // Node < 20.16: single-threaded
  return (proc.getBuiltinModule('node:worker_threads')?.Worker as NodeWorkerCtor | undefined) ?? null;
}

/** Threads the host offers (cores), or 1 where waiting on a worker is impossible. */
export function hostThreads(): number {
  const proc = (globalThis as any).process;
  if (nodeWorkerCtor() !== null) {
    const os = proc.getBuiltinModule('node:os');
    return Math.max(1, typeof os?.availableParallelism === 'function' ? os.availableParallelism() : os?.cpus?.().length ?? 1);
  }
  // Browsers: only inside a worker (the main thread may not Atomics.wait) of a cross-origin
  // isolated page (shared memory), with Worker available to spawn more.
  const g = globalThis as any;
  const inWorker = typeof g.WorkerGlobalScope === 'function' && g instanceof g.WorkerGlobalScope;
  if (inWorker && g.crossOriginIsolated === true && typeof g.Worker === 'function') {
    return Math.max(1, Number(g.navigator?.hardwareConcurrency) || 1);
  }
  return 1;
}

export class Pool {
  private readonly workers: WorkerLike[] = [];
  private readonly ctrl: Int32Array;
  private stopped = false;
  /** Jobs that at least one worker took part in (for tests and tuning). */
  shared = 0;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly ctrlPtr: number,
    private readonly functions: readonly string[],
  ) {
    this.ctrl = new Int32Array(memory.buffer, ctrlPtr, CTRL.SLOTS + MAX_WORKERS);
  }

  /** Workers started so far. */
  get size(): number {
    return this.workers.length;
  }

  /** Starts workers until there are `count` (they become useful once they have booted). */
  grow(count: number): void {
    count = Math.min(count, MAX_WORKERS);
    while (!this.stopped && this.workers.length < count) {
      const data = {
        module: this.module, memory: this.memory, ctrl: this.ctrlPtr, slots: MAX_WORKERS,
        index: this.workers.length, functions: this.functions, spinMs: SPIN_MS,
      };
      const NodeWorker = nodeWorkerCtor();
      if (NodeWorker !== null) {
        const w = new NodeWorker(WORKER_SOURCE, { eval: true, workerData: data });
        w.unref();
        w.on('error', () => undefined); // a failed worker only means fewer threads
        this.workers.push(w);
      } else {
        const g = globalThis as any;
        const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const w = new g.Worker(url);
        w.postMessage(data);
        this.workers.push(w);
      }
    }
  }

  /**
   * Runs function `fn` of the kernel module on `arg` with up to `threads` threads: the caller
   * runs `local` (the same function), workers 0..threads-2 are offered the job.
   */
  run(fn: number, arg: number, threads: number, local: () => void): void {
    const n = Math.min(threads - 1, this.workers.length);
    if (n <= 0 || this.stopped) {
      local();
      return;
    }
    const c = this.ctrl;
    Atomics.store(c, CTRL.FN, fn);
    Atomics.store(c, CTRL.ARG, arg);
    for (let i = 0; i < n; i++) Atomics.store(c, CTRL.SLOTS + i, SLOT.OPEN);
    Atomics.add(c, CTRL.SEQ, 1);
    Atomics.notify(c, CTRL.SEQ);
    try {
      local();
    } finally {
      let joined = false;
      for (let i = 0; i < n; i++) joined = this.join(CTRL.SLOTS + i) || joined;
      if (joined) this.shared++;
    }
  }

  /** Waits for a worker that took the job, or cancels its offer; true if it took part. */
  private join(s: number): boolean {
    const c = this.ctrl;
    if (Atomics.compareExchange(c, s, SLOT.OPEN, SLOT.IDLE) === SLOT.OPEN) return false; // never started
    for (let i = 0; i < 100000 && Atomics.load(c, s) === SLOT.TAKEN; i++) {
      // the worker is finishing its last task
    }
    while (Atomics.load(c, s) === SLOT.TAKEN) Atomics.wait(c, s, SLOT.TAKEN, 100);
    Atomics.store(c, s, SLOT.IDLE);
    return true;
  }

  /** Stops and terminates the workers (the pool then runs everything on the caller). */
  shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.ctrl, CTRL.STOP, 1);
    Atomics.add(this.ctrl, CTRL.SEQ, 1);
    Atomics.notify(this.ctrl, CTRL.SEQ);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}
