// A self-contained SVG chart (no scripts, fonts or links): median time per call of every library
// and grad mode on a log scale, then the grad-off ÷ grad-on ratios of time and memory.
import { workloadLabel, type LibraryId, type Mode } from '../plan.js';
import { medianOf, type CaseResult } from '../results.js';
import type { BenchReport } from './json.js';
import { formatMs, formatRatio } from './table.js';

const COLORS: Record<LibraryId, Record<Mode, string>> = {
  torchlet: { grad: '#1f4e9c', noGrad: '#4a86e8', inferenceMode: '#a4c2f4' },
  pytorch: { grad: '#b45309', noGrad: '#f59e0b', inferenceMode: '#fcd34d' },
  'tfjs-cpu': { grad: '#166534', noGrad: '#22c55e', inferenceMode: '#86efac' },
  'tfjs-wasm': { grad: '#6b21a8', noGrad: '#a855f7', inferenceMode: '#d8b4fe' },
};
const LIB_ORDER: LibraryId[] = ['torchlet', 'pytorch', 'tfjs-cpu', 'tfjs-wasm'];
const MODE_ORDER: Mode[] = ['grad', 'noGrad', 'inferenceMode'];

const W = 1000;
const LABEL_X = 330; // series labels end here
const BAR_X = 340;
const BAR_W = W - BAR_X - 110; // room for the value text
const ROW = 14;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;

/** Renders the chart for a report. */
export function chartSvg(report: BenchReport): string {
  const parts: string[] = [];
  let y = 30;
  parts.push(text(10, y, 'torchlet bench: median time per call (log scale), grad recording on vs off, and peers', 'class="title"'));
  y += 18;
  for (const line of environmentText(report)) {
    parts.push(text(10, y, line, 'class="note"'));
    y += 15;
  }
  y += 11;
  y = timeSection(report, parts, y);
  y += 30;
  y = ratioSection(report, parts, y);
  const style = [
    'text{font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:11px;fill:#222}',
    '.title{font-size:15px;font-weight:600}',
    '.group{font-weight:600}',
    '.note{fill:#555}',
    '.grid{stroke:#ddd;stroke-width:1}',
    '.one{stroke:#c00;stroke-width:1;stroke-dasharray:4 3}',
  ].join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + 20}" viewBox="0 0 ${W} ${y + 20}" role="img"><title>torchlet bench results</title><style>${style}</style><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>\n`;
}

/** Two lines: the machine, then who ran with which backend and threads. */
function environmentText(report: BenchReport): string[] {
  const e = report.environment;
  const libs = report.libraries
    .filter((l) => l.status === 'ok')
    .map((l) => `${l.id} ${l.version} (${l.backend}, ${l.threads} thread${l.threads === 1 ? '' : 's'})`);
  return [
    `${report.startedAt.slice(0, 10)} · ${report.preset} preset · ${e.cpu}, ${e.cores} cores, load ${e.load.start.toFixed(1)} → ${e.load.end.toFixed(1)} · Node ${e.node}`,
    libs.join(' · '),
  ];
}

function timeSection(report: BenchReport, parts: string[], y0: number): number {
  const results = report.results;
  const medians = results.map(medianOf).filter((m) => m > 0);
  if (medians.length === 0) return y0;
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...medians))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...medians))));
  const xOf = (ms: number) => BAR_X + (Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1) * BAR_W;
  let y = y0;
  parts.push(text(10, y, 'Median time per call, log scale. Dark: grad on; lighter: noGrad, inferenceMode. † derived (fwd+bwd − fwd).', 'class="note"'));
  y += 10;
  const top = y;
  const groups = [...new Set(results.map((r) => `${workloadLabel(r)} · ${r.phase}`))];
  for (const g of groups) {
    y += 8;
    parts.push(text(10, y + ROW - 3, g, 'class="group"'));
    const members = results
      .filter((r) => `${workloadLabel(r)} · ${r.phase}` === g)
      .sort((a, b) => LIB_ORDER.indexOf(a.library) - LIB_ORDER.indexOf(b.library) || MODE_ORDER.indexOf(a.mode) - MODE_ORDER.indexOf(b.mode));
    for (const r of members) {
      parts.push(bar(r, y, xOf));
      y += ROW;
    }
  }
  // Decade grid lines, drawn over the full height of the section.
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const x = xOf(d);
    parts.push(`<line class="grid" x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${y + 4}"/>`);
    parts.push(text(x - 12, y + 16, formatMs(d).replace(/\.0+ /, ' ').replace(/\.000 /, ' '), 'class="note"'));
  }
  return y + 24;
}

function bar(r: CaseResult, y: number, xOf: (ms: number) => number): string {
  const m = medianOf(r);
  const width = Math.max(1, xOf(m) - BAR_X);
  const derived = r.derived !== null;
  const label = `${r.library} · ${r.mode}`;
  const value = `${formatMs(m)}${derived ? '†' : ''}${r.gflops !== null ? ` · ${r.gflops.toFixed(1)} GFLOP/s` : ''}`;
  return [
    text(LABEL_X, y + ROW - 3, label, 'text-anchor="end"'),
    `<rect x="${BAR_X}" y="${y + 1}" width="${width.toFixed(1)}" height="${ROW - 3}" fill="${COLORS[r.library][r.mode]}"${derived ? ' fill-opacity="0.45" stroke="#333" stroke-dasharray="3 2"' : ''}/>`,
    text(BAR_X + width + 4, y + ROW - 3, value),
  ].join('');
}

function ratioSection(report: BenchReport, parts: string[], y0: number): number {
  const entries = report.ratios.gradOff;
  if (entries.length === 0) return y0;
  const series: { key: 'time' | 'processBytes' | 'tensorBytes'; name: string; color: string }[] = [
    { key: 'time', name: 'time', color: '#4a86e8' },
    { key: 'processBytes', name: 'retained memory', color: '#e06666' },
    { key: 'tensorBytes', name: 'tensor storage', color: '#93c47d' },
  ];
  const max = Math.max(1.25, ...entries.flatMap((e) => series.map((s) => e[s.key] ?? 0)));
  const xOf = (v: number) => BAR_X + (Math.max(0, v) / max) * BAR_W;
  let y = y0;
  parts.push(text(10, y, 'Grad off ÷ grad on (linear; the dashed line is 1×, below it turning grad off saves): time, retained memory, tensor storage', 'class="note"'));
  y += 10;
  const top = y;
  for (const e of entries) {
    y += 6;
    // The group's name gets its own row: it is longer than the label column.
    parts.push(text(10, y + ROW - 3, `${e.library} · ${e.workload}${e.size === null ? '' : ` ${e.size}`} · ${e.phase} · ${e.mode} ÷ grad`, 'class="group"'));
    y += ROW;
    for (const s of series.filter((x) => e[x.key] !== null)) {
      const v = e[s.key]!;
      parts.push(text(LABEL_X, y + ROW - 3, s.name, 'text-anchor="end"'));
      parts.push(`<rect x="${BAR_X}" y="${y + 1}" width="${Math.max(1, xOf(v) - BAR_X).toFixed(1)}" height="${ROW - 3}" fill="${s.color}"/>`);
      parts.push(text(xOf(v) + 4, y + ROW - 3, formatRatio(v)));
      y += ROW;
    }
  }
  parts.push(`<line class="one" x1="${xOf(1).toFixed(1)}" y1="${top}" x2="${xOf(1).toFixed(1)}" y2="${y + 4}"/>`);
  parts.push(text(xOf(1) - 6, y + 16, '1×', 'class="note"'));
  return y + 24;
}
