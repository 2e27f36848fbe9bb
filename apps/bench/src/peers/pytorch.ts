// PyTorch peer: runs peers/pytorch_bench.py under /usr/bin/python3 (Debian's python3-torch),
// single process, and turns its raw samples into results with the shared statistics.
import { join } from 'node:path';
import type { CaseSpec } from '../plan.js';
import { appRoot } from '../paths.js';
import { withRates, type CaseResult, type LibraryInfo } from '../results.js';
import { summarize } from '../stats.js';
import { lastLines, runPeer, type PeerRequest } from './protocol.js';
import type { PeerEvents } from './run.js';

/** The interpreter the issue names: Debian's, where `import torch` works if python3-torch is installed. */
export const PYTHON = '/usr/bin/python3';

/** Measures `request.cases` with PyTorch; a missing python or torch becomes a skipped library. */
export async function runPytorch(request: PeerRequest, events: PeerEvents): Promise<{ info: LibraryInfo; results: CaseResult[] }> {
  const script = join(appRoot(), 'src', 'peers', 'pytorch_bench.py');
  const specs = new Map<string, CaseSpec>(request.cases.map((c) => [c.id, c]));
  const results: CaseResult[] = [];
  const got: { info: LibraryInfo | null; error: string | null } = { info: null, error: null }; // a holder: assigned in a callback, read after
  const exit = await runPeer(PYTHON, [script], request, (m) => {
    if (m.type === 'library') got.info = m.info;
    else if (m.type === 'error') got.error = m.message;
    else if (m.type === 'progress') events.progress(specs.get(m.caseId)!, m.stage);
    else if (m.type === 'samples') {
      const c = specs.get(m.caseId)!;
      const r = withRates(
        { library: 'pytorch', caseId: c.id, workload: c.workload, size: c.size, phase: c.phase, mode: c.mode, timing: summarize(m.samples), derived: null, memory: m.memory, check: m.check },
        c,
      );
      results.push(r);
      events.result(r);
    }
  });
  if (exit.spawnError) return { info: unavailable('skipped', `${PYTHON} could not be started: ${exit.spawnError}`), results: [] };
  if (!got.info || !exit.done) return { info: unavailable('failed', `python stopped before finishing (exit ${exit.code}): ${got.error ?? lastLines(exit.output)}`), results };
  return { info: got.info, results };
}

function unavailable(status: 'skipped' | 'failed', note: string): LibraryInfo {
  return { id: 'pytorch', name: 'PyTorch', version: '', backend: '', threads: 0, threadSource: '', status, notes: [note], memory: { process: '', tensors: '' } };
}
