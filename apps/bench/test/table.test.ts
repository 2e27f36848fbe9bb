import { describe, expect, it } from 'vitest';
import { chartSvg } from '../src/report/chart.js';
import { formatBytes, formatMs, formatRatio, markdownTable, table, textTable } from '../src/report/table.js';
import { detailTable, gradOffTable, peerTable } from '../src/report/tables.js';
import { library, result, sampleReport } from './fixtures.js';

describe('report formatting', () => {
  it('picks units', () => {
    expect(formatMs(0.0000005)).toBe('0.5 ns');
    expect(formatMs(0.25)).toBe('250.00 µs');
    expect(formatMs(12.5)).toBe('12.500 ms');
    expect(formatMs(2500)).toBe('2.50 s');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.00 MiB');
    expect(formatBytes(null)).toBe('–');
  });

  it('writes ratios with enough digits to tell small ones apart', () => {
    expect(formatRatio(0.0123)).toBe('0.012×');
    expect(formatRatio(0.5)).toBe('0.50×');
    expect(formatRatio(35.24)).toBe('35.2×');
    expect(formatRatio(null)).toBe('–');
    expect(formatRatio(Infinity)).toBe('–');
  });

  it('aligns columns', () => {
    expect(table(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\n---  --\nxxx  y ');
  });

  it('renders the same model as text and Markdown', () => {
    const t = { title: 'T', header: ['a', 'b'], rows: [['1|2', '3']], notes: ['n'] };
    expect(textTable(t)).toBe('T\n\na    b\n---  -\n1|2  3\n\nn');
    expect(markdownTable(t)).toBe('**T**\n\n| a | b |\n|---|---|\n| 1\\|2 | 3 |\n\nn');
  });
});

describe('report tables and chart', () => {
  const report = sampleReport(
    [
      result('torchlet', 'seed-loop/forward/grad', 0.08, { processBytes: 256 * 1024, tensorBytes: 8 }),
      result('torchlet', 'seed-loop/forward/noGrad', 0.04, { processBytes: 1024, tensorBytes: 4 }),
      result('tfjs-wasm', 'seed-loop/forward/noGrad', 0.4, { processBytes: null, tensorBytes: 4 }),
    ],
    [library('torchlet'), library('tfjs-wasm'), library('pytorch', 'skipped')],
  );

  it('puts the grad on/off ratios in the headline table', () => {
    const t = gradOffTable(report);
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0].slice(0, 3)).toEqual(['torchlet', 'seed-loop', 'forward']);
    expect(t.rows[0]).toContain('0.50×');
    expect(t.rows[0]).toContain('256.0 KiB → 1.0 KiB');
    expect(t.rows[0]).toContain('0.004×');
  });

  it('lists only peers that ran, with their ratio to torchlet', () => {
    const t = peerTable(report)!;
    expect(t.header).toEqual(['workload', 'phase', 'mode', 'torchlet', 'tfjs-wasm']);
    expect(t.rows).toEqual([['seed-loop', 'forward', 'noGrad', '40.00 µs', '400.00 µs (10.0×)']]);
    expect(peerTable(sampleReport([], [library('torchlet')]))).toBeNull();
  });

  it('shows every figure in the detail table', () => {
    const row = detailTable(report).rows[0];
    expect(row.slice(0, 5)).toEqual(['torchlet', 'seed-loop', 'forward', 'grad', '80.00 µs']);
    expect(row).toContain('3');
  });

  it('draws a self-contained SVG with every result', () => {
    const svg = chartSvg(report);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/<script|href=|@import/);
    expect(svg.match(/<rect x="340"/g)!.length).toBe(3 + 3); // three timings, three ratio bars
    expect(svg).toContain('torchlet · noGrad');
    expect(svg).toContain('0.50×');
    expect(svg).not.toContain('NaN');
  });
});
