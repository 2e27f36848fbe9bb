// A small hand-made results document for the report tests (no benchmark runs).
import type { CaseResult, LibraryInfo } from '../src/results.js';
import { buildReport, type BenchReport } from '../src/report/json.js';
import { casesOf, PRESETS } from '../src/plan.js';
import { summarize } from '../src/stats.js';

export function result(library: CaseResult['library'], caseId: string, medianMs: number, memory: { processBytes: number | null; tensorBytes: number } | null = null): CaseResult {
  const [key, phase, mode] = caseId.split('/');
  const size = /-(\d+)$/.exec(key);
  return {
    library,
    caseId,
    workload: (size ? key.slice(0, size.index) : key) as CaseResult['workload'],
    size: size ? Number(size[1]) : null,
    phase: phase as CaseResult['phase'],
    mode: mode as CaseResult['mode'],
    timing: summarize([medianMs * 0.9, medianMs, medianMs * 1.1]),
    derived: null,
    memory: memory && { ...memory, copies: 4 },
    perOpUs: null,
    gflops: null,
    check: null,
  };
}

export function library(id: LibraryInfo['id'], status: LibraryInfo['status'] = 'ok'): LibraryInfo {
  return { id, name: id, version: '1.0', backend: 'test', threads: 1, threadSource: 'test', status, notes: [], memory: { process: 'p', tensors: 't' } };
}

export function sampleReport(results: CaseResult[], libraries: LibraryInfo[] = [library('torchlet')]): BenchReport {
  return buildReport({
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 61_000,
    preset: 'quick',
    filter: null,
    compare: libraries.length > 1,
    workloads: ['seed-loop'],
    budget: PRESETS.quick.budget,
    environment: { node: 'v20', v8: '11', platform: 'linux', arch: 'x64', cpu: 'Test CPU', cores: 2, totalMemoryBytes: 1, commit: 'abc1234', load: { start: 0.5, end: 1.2 } },
    libraries,
    cases: casesOf('seed-loop', PRESETS.quick),
    results,
  });
}
