import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/args.js';

describe('parseArgs', () => {
  it('defaults to the quick preset, all workloads, no peers', () => {
    expect(parseArgs([])).toEqual({ preset: 'quick', filter: null, compare: false, json: null, updateReadme: false, out: null, peer: null, help: false });
  });

  it('reads every flag, in both `--flag value` and `--flag=value` forms', () => {
    const o = parseArgs(['--full', '--filter', 'matmul,seed', '--compare', '--json=out.json', '--out', 'dir']);
    expect(o).toMatchObject({ preset: 'full', filter: 'matmul,seed', compare: true, json: 'out.json', out: 'dir' });
    expect(parseArgs(['--smoke']).preset).toBe('smoke');
    expect(parseArgs(['--update-readme']).updateReadme).toBe(true);
    expect(parseArgs(['-h']).help).toBe(true);
    expect(parseArgs(['--peer', 'tfjs-wasm']).peer).toBe('tfjs-wasm');
  });

  it('ignores the lone -- that pnpm may pass through', () => {
    expect(parseArgs(['--', '--full']).preset).toBe('full');
  });

  it('rejects what it does not understand, saying what', () => {
    expect(() => parseArgs(['--fast'])).toThrow(UsageError);
    expect(() => parseArgs(['--fast'])).toThrow('unknown argument "--fast"');
    expect(() => parseArgs(['--filter'])).toThrow('--filter needs a value');
    expect(() => parseArgs(['--json', '--full'])).toThrow('--json needs a value');
    expect(() => parseArgs(['--filter', 'conv2d'])).toThrow(/no workload matches "conv2d"; workloads: seed-loop, mlp-inference/);
    expect(() => parseArgs(['--full', '--smoke'])).toThrow('choose one preset');
    expect(() => parseArgs(['--peer', 'torchlet'])).toThrow('--peer must be one of tfjs-cpu, tfjs-wasm, pytorch');
  });

  it('refuses to write the README table from a partial run', () => {
    expect(() => parseArgs(['--update-readme', '--filter', 'matmul'])).toThrow('--update-readme needs a complete run');
    expect(() => parseArgs(['--update-readme', '--smoke'])).toThrow('--update-readme needs a complete run');
  });
});
