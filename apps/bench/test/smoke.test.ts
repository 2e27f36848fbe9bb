// Runs the built CLI on the hidden smoke preset (tiny budgets) with every peer, and checks the
// JSON it writes: every case present, every figure a finite number. No timing assertions.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/report/json.js';

const app = fileURLToPath(new URL('..', import.meta.url));
const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

describe('CLI smoke run', () => {
  let dir: string;
  let report: BenchReport;
  let stdout: string;

  beforeAll(() => {
    // Build first: the tfjs peer needs the bundle (tfjs-core's gradients load only bundled).
    execFileSync(process.execPath, [join(app, 'node_modules/tsup/dist/cli-default.js')], { cwd: app, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'torchlet-bench-'));
    const run = spawnSync(process.execPath, ['--expose-gc', join(app, 'dist/cli.js'), '--smoke', '--filter', 'seed-loop,matmul', '--compare', '--out', dir, '--json', join(dir, 'copy.json')], {
      encoding: 'utf8',
    });
    stdout = run.stdout;
    if (run.status !== 0) throw new Error(`CLI failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    report = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchReport;
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes JSON twice and the chart', () => {
    expect(readFileSync(join(dir, 'copy.json'), 'utf8')).toBe(readFileSync(join(dir, 'latest.json'), 'utf8'));
    expect(readFileSync(join(dir, 'latest.svg'), 'utf8')).toMatch(/^<svg /);
  });

  it('prints the tables', () => {
    expect(stdout).toContain('Grad recording on vs off');
    expect(stdout).toContain('All measurements');
  });

  it('describes the run', () => {
    expect(report).toMatchObject({ schema: 'torchlet-bench/1', preset: 'smoke', filter: 'seed-loop,matmul', compare: true, workloads: ['seed-loop', 'matmul'] });
    expect(finite(report.durationMs)).toBe(true);
    expect(Object.values(report.budget).every(finite)).toBe(true);
    expect(report.environment.cores).toBeGreaterThan(0);
    const ids = report.libraries.map((l) => l.id);
    expect(ids).toEqual(['torchlet', 'tfjs-cpu', 'tfjs-wasm', 'pytorch']);
    for (const l of report.libraries) {
      if (l.id === 'pytorch' && l.status === 'skipped') continue; // no python3-torch on this machine
      expect(l.status, `${l.id}: ${l.notes.join('; ')}`).toBe('ok');
      expect(l.version).not.toBe('');
      expect(l.threads).toBeGreaterThan(0);
    }
  });

  it('has a finite figure for every torchlet case and every peer case it ran', () => {
    const torchlet = report.results.filter((r) => r.library === 'torchlet');
    expect(torchlet.map((r) => r.caseId).sort()).toEqual(report.cases.map((c) => c.id).sort());
    for (const r of report.results) {
      const where = `${r.library} ${r.caseId}`;
      if (r.derived) {
        expect(finite(r.derived.medianMs), where).toBe(true);
        expect(r.timing, where).toBeNull();
      } else {
        expect(Object.values(r.timing!).every(finite), where).toBe(true);
        expect(r.timing!.samples, where).toBeGreaterThanOrEqual(2);
      }
      const spec = report.cases.find((c) => c.id === r.caseId)!;
      if (spec.memoryCopies > 0 && !r.derived) {
        expect(finite(r.memory!.tensorBytes), where).toBe(true);
        // A WebAssembly heap only grows, so tfjs-wasm has no process-level figure by design.
        if (r.library === 'tfjs-wasm') expect(r.memory!.processBytes, where).toBeNull();
        else expect(finite(r.memory!.processBytes), where).toBe(true);
      }
      if (r.workload === 'matmul') expect(finite(r.gflops), where).toBe(true);
      if (r.workload === 'seed-loop') expect(finite(r.perOpUs), where).toBe(true);
    }
    expect(report.results.some((r) => r.library === 'tfjs-cpu' && r.derived)).toBe(true);
  });

  it('computes the headline ratios', () => {
    const torchlet = report.ratios.gradOff.filter((g) => g.library === 'torchlet');
    expect(torchlet.map((g) => `${g.gradCaseId} ${g.mode}`)).toEqual(
      expect.arrayContaining(['seed-loop/forward/grad noGrad', 'seed-loop/forward/grad inferenceMode', 'matmul-128/forward/grad noGrad']),
    );
    for (const g of report.ratios.gradOff) expect(finite(g.time)).toBe(true);
    for (const p of report.ratios.peers) expect(finite(p.time)).toBe(true);
  });
});
