// TensorFlow.js peers, `tfjs-cpu` (@tensorflow/tfjs-backend-cpu) and `tfjs-wasm`
// (@tensorflow/tfjs-backend-wasm, its .wasm files ship inside the npm package). Each runs in a
// child process of the CLI (`--peer tfjs-cpu`), so its heap and WebAssembly memory are its own.
import type { LibraryId } from '../plan.js';
import type { CaseResult, LibraryInfo } from '../results.js';
import { measureCases } from '../workloads/task.js';
import { emit, lastLines, runPeer, type PeerRequest } from './protocol.js';
import type { PeerEvents } from './run.js';
import { tfjsWorkloads } from './tfjs-workloads.js';

export type TfjsPeer = Extract<LibraryId, 'tfjs-cpu' | 'tfjs-wasm'>;

/** Parent side: starts this CLI as a tfjs peer and collects its results. */
export async function runTfjs(library: TfjsPeer, request: PeerRequest, events: PeerEvents): Promise<{ info: LibraryInfo; results: CaseResult[] }> {
  const specs = new Map(request.cases.map((c) => [c.id, c]));
  const results: CaseResult[] = [];
  const got: { info: LibraryInfo | null; error: string | null } = { info: null, error: null };
  // The same node flags (--expose-gc, a TypeScript loader under tests) and the same entry file.
  const exit = await runPeer(process.execPath, [...process.execArgv, process.argv[1], '--peer', library], request, (m) => {
    if (m.type === 'library') got.info = m.info;
    else if (m.type === 'error') got.error = m.message;
    else if (m.type === 'progress') events.progress(specs.get(m.caseId)!, m.stage);
    else if (m.type === 'result') {
      results.push(m.result);
      events.result(m.result);
    }
  });
  if (got.info && exit.done) return { info: got.info, results };
  const note = `${library} stopped before finishing (exit ${exit.code ?? exit.spawnError}): ${got.error ?? lastLines(exit.output)}`;
  return { info: { ...(got.info ?? blankInfo(library)), status: 'failed', notes: [...(got.info?.notes ?? []), note] }, results };
}

function blankInfo(library: TfjsPeer): LibraryInfo {
  return { id: library, name: 'TensorFlow.js', version: '', backend: '', threads: 0, threadSource: '', status: 'failed', notes: [], memory: { process: '', tensors: '' } };
}

/** Child side: loads tfjs with one backend, reports it, measures the requested cases. */
export async function serveTfjs(library: TfjsPeer, request: PeerRequest): Promise<void> {
  // Loaded only here, so a torchlet-only run never pays for (or depends on) tfjs.
  const tf = await import('@tensorflow/tfjs-core');
  await import('./tfjs-gradients.js');
  if (!tf.getGradient('Add')) throw new Error('tfjs gradients are not registered: run the built CLI (pnpm bench), not the sources');
  const backend = library === 'tfjs-cpu' ? 'cpu' : 'wasm';
  let threads = 1;
  let threadSource = 'JavaScript main thread; the cpu backend has no workers';
  const notes: string[] = [];
  const wasm = backend === 'wasm' ? await import('@tensorflow/tfjs-backend-wasm') : await import('@tensorflow/tfjs-backend-cpu').then(() => null);
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs ${backend} backend failed to initialise`);
  await tf.ready();
  if (wasm) {
    threads = wasm.getThreadsCount();
    threadSource = 'tfjs-backend-wasm getThreadsCount()';
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const multi = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    notes.push(`wasm SIMD: ${String(simd)}, multithreading available: ${String(multi)}`);
  }
  emit({
    type: 'library',
    info: {
      id: library,
      name: 'TensorFlow.js',
      version: tf.version_core,
      backend: tf.getBackend(),
      threads,
      threadSource,
      status: 'ok',
      notes,
      memory: {
        process: backend === 'cpu' ? 'V8 heap (without code) + arrayBuffers growth after forced GC' : 'not measured: tensors live in the WebAssembly heap, which only grows',
        tensors: 'tf.memory().numBytes growth',
      },
    },
  });
  const counter = { start: () => {}, stop: () => {}, liveBytes: () => tf.memory().numBytes, processVisible: backend === 'cpu' };
  await measureCases(
    library,
    request.cases,
    tfjsWorkloads(tf),
    request.budget,
    counter,
    (c, stage) => emit({ type: 'progress', caseId: c.id, stage }),
    (result) => emit({ type: 'result', result }),
  );
  emit({ type: 'done' });
}
