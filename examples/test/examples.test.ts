import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Each example runs as a user would run it (tsx, importing the packages by name).
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
function run(example: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', here(`../${example}`)], {
    encoding: 'utf8',
    env: { ...process.env, TSX_TSCONFIG_PATH: here('../tsconfig.json') },
  });
}

describe('examples', () => {
  it('seed-training-loop prints what PyTorch prints', () => {
    expect(run('seed-training-loop.ts')).toBe(readFileSync(here('../expected/seed-training-loop.txt'), 'utf8'));
  });

  it('spirals trains to high accuracy, evaluates under noGrad and reloads its safetensors weights', () => {
    const out = run('spirals.ts');
    const final = Number(/final accuracy ([\d.]+)%/.exec(out)![1]);
    expect(final).toBeGreaterThanOrEqual(97);
    expect(out).toMatch(/reloaded from spirals\.safetensors: identical outputs true, accuracy ([\d.]+)%/);
    const losses = [...out.matchAll(/loss ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });
});
