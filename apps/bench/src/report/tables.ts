// The report's tables, built once from the JSON document and rendered as text (console) or
// Markdown (README). Every cell comes from a measured figure of the run.
import { workloadLabel, type LibraryId } from '../plan.js';
import { medianOf, type CaseResult } from '../results.js';
import { busy, type BenchReport } from './json.js';
import { formatBytes, formatMs, formatPct, formatRatio, type TableModel } from './table.js';

const LIBRARY_NAMES: Record<LibraryId, string> = { torchlet: 'torchlet', 'tfjs-cpu': 'tfjs-cpu', 'tfjs-wasm': 'tfjs-wasm', pytorch: 'PyTorch' };

const find = (report: BenchReport, library: string, caseId: string) => report.results.find((r) => r.library === library && r.caseId === caseId);

/** `41.20 µs ±1.2%`: the median and the relative margin of error of the mean. */
function timeCell(r: CaseResult | undefined): string {
  if (!r) return '–';
  if (r.derived) return `${formatMs(r.derived.medianMs)}†`;
  return `${formatMs(r.timing!.median)} ±${formatPct(r.timing!.rme)}`;
}

function rateCell(r: CaseResult): string {
  if (r.gflops !== null) return `${r.gflops.toFixed(2)} GFLOP/s`;
  if (r.perOpUs !== null) return `${r.perOpUs.toFixed(3)} µs/op`;
  return '';
}

/** The headline: what turning grad recording off changes, per library, workload and phase. */
export function gradOffTable(report: BenchReport): TableModel {
  const groups = new Map<string, BenchReport['ratios']['gradOff']>();
  for (const g of report.ratios.gradOff) {
    const key = `${g.library}|${g.gradCaseId}`;
    groups.set(key, [...(groups.get(key) ?? []), g]);
  }
  const rows = [...groups.values()].map((gs) => {
    const grad = find(report, gs[0].library, gs[0].gradCaseId)!;
    const no = gs.find((g) => g.mode === 'noGrad');
    const inf = gs.find((g) => g.mode === 'inferenceMode');
    const noR = no && find(report, no.library, no.offCaseId);
    const infR = inf && find(report, inf.library, inf.offCaseId);
    return [
      LIBRARY_NAMES[grad.library],
      workloadLabel(grad),
      grad.phase,
      timeCell(grad),
      timeCell(noR),
      timeCell(infR),
      formatRatio(no?.time),
      formatRatio(inf?.time),
      `${formatBytes(grad.memory?.processBytes)} → ${formatBytes(noR?.memory?.processBytes)}`,
      formatRatio(no?.processBytes),
      `${formatBytes(grad.memory?.tensorBytes)} → ${formatBytes(noR?.memory?.tensorBytes)}`,
    ];
  });
  return {
    title: 'Grad recording on vs off (median per call ± margin of error; ratios are off ÷ on, lower is a bigger saving)',
    header: ['library', 'workload', 'phase', 'grad on', 'noGrad', 'inferenceMode', 'time noGrad÷on', 'time inference÷on', 'retained on → noGrad', 'memory noGrad÷on', 'tensor storage on → noGrad'],
    rows,
    notes: [
      'retained: process memory growth per live output after forced GC (Node: V8 heap without code + arrayBuffers; PyTorch: RSS); a few KiB are noise.',
      'tensor storage: bytes of tensor storage kept alive by the output (torchlet: memoryStats(); PyTorch: output + tensors saved for backward).',
    ],
  };
}

/** The peers next to torchlet: median per call and peer ÷ torchlet (below 1: the peer is faster). */
export function peerTable(report: BenchReport): TableModel | null {
  const peers = report.libraries.filter((l) => l.id !== 'torchlet' && l.status === 'ok').map((l) => l.id);
  if (peers.length === 0) return null;
  const ratios = new Map(report.ratios.peers.map((p) => [`${p.library}|${p.caseId}`, p.time]));
  const rows = report.results
    .filter((t) => t.library === 'torchlet' && report.results.some((r) => r.library !== 'torchlet' && r.caseId === t.caseId))
    .map((t) => {
      const cell = (r: CaseResult | undefined) => (r ? `${formatMs(medianOf(r))}${r.derived ? '†' : ''}${r.gflops !== null ? ` · ${r.gflops.toFixed(1)} GFLOP/s` : ''}` : '–');
      return [
        workloadLabel(t),
        t.phase,
        t.mode,
        cell(t),
        ...peers.map((p) => {
          const r = find(report, p, t.caseId);
          return r ? `${cell(r)} (${formatRatio(ratios.get(`${p}|${t.caseId}`))})` : '–';
        }),
      ];
    });
  return {
    title: 'Peers on the same cases (median per call; in brackets: peer ÷ torchlet time, below 1× the peer is faster)',
    header: ['workload', 'phase', 'mode', 'torchlet', ...peers.map((p) => LIBRARY_NAMES[p])],
    rows,
    notes: ['† derived, not measured: tfjs backward = median(forward+backward) − median(forward), tfjs has no separate backward.'],
  };
}

/** Every figure of the run. */
export function detailTable(report: BenchReport): TableModel {
  const rows = report.results.map((r) => {
    const t = r.timing;
    return [
      LIBRARY_NAMES[r.library],
      workloadLabel(r),
      r.phase,
      r.mode,
      t ? formatMs(t.median) : `${formatMs(r.derived!.medianMs)}†`,
      t ? `${formatMs(t.p25)} … ${formatMs(t.p75)}` : '',
      t ? `${formatMs(t.min)} … ${formatMs(t.max)}` : '',
      t ? formatPct(t.rme) : '',
      t ? String(t.samples) : '',
      rateCell(r),
      r.memory ? formatBytes(r.memory.processBytes) : '',
      r.memory ? formatBytes(r.memory.tensorBytes) : '',
      r.check === null ? '' : Math.abs(r.check) < 1e-3 ? r.check.toExponential(4) : r.check.toPrecision(5),
    ];
  });
  return {
    title: 'All measurements (per call)',
    header: ['library', 'workload', 'phase', 'mode', 'median', 'p25 … p75', 'min … max', '±rme', 'n', 'rate', 'retained', 'tensor storage', 'check'],
    rows,
    notes: ['check: the regression\'s loss at its last epoch, the same computation in every library, so the values must agree.'],
  };
}

/** Who ran: version, backend, threads, and what their memory figures are. */
export function libraryTable(report: BenchReport): TableModel {
  return {
    title: 'Libraries',
    header: ['library', 'status', 'version', 'backend', 'threads', 'notes'],
    rows: report.libraries.map((l) => [
      LIBRARY_NAMES[l.id],
      l.status,
      l.version || '–',
      l.backend || '–',
      l.threads ? `${l.threads} (${l.threadSource})` : '–',
      l.notes.join('; '),
    ]),
  };
}

/** One line naming the machine, runtime and preset. */
export function environmentLine(report: BenchReport): string {
  const e = report.environment;
  const load = `load ${e.load.start.toFixed(1)} → ${e.load.end.toFixed(1)}${busy(e) ? ' (busy: other processes competed for the CPU, timings are noisier and slower than on an idle machine)' : ''}`;
  return `${report.startedAt.slice(0, 10)}, ${report.preset} preset${report.filter ? ` (filter ${report.filter})` : ''}, ${(report.durationMs / 1000).toFixed(0)} s; ${e.cpu}, ${e.cores} cores, ${load}; ${e.platform}/${e.arch}, Node ${e.node}${e.commit ? `, commit ${e.commit}` : ''}`;
}
