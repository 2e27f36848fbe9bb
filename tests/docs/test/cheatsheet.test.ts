// The README's PyTorch → torchlet cheat sheet: it names every name of the API contract
// (shared/API.md), every expression in its torchlet column runs (cheatsheet-eval.ts), and the
// Japanese README carries the same code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocks, codeSpans, read, section, tableCells } from './markdown.js';
import { runModule } from './run-blocks.js';

// Every name the API contract spells out, by package (the contract is fixed; see shared/API.md).
const CONTRACT = {
  naming: ['requiresGrad', 'zeroGrad', 'logSoftmax', 'noGrad', 'zero_', 'add_', 'requiresGrad_', 'retainGraph'],
  creation: ['tensor', 'zeros', 'ones', 'full', 'zerosLike', 'onesLike', 'arange', 'linspace', 'eye', 'rand', 'randn', 'manualSeed', 'shape',
    'float32', 'float64', 'int32', 'bool', 'dtype', 'requiresGrad'],
  tensor: ['shape', 'dtype', 'ndim', 'numel', 'item', 'tolist', 'requiresGrad', 'requiresGrad_', 'isLeaf', 'grad', 'retainGrad', 'gradFn', 'name',
    'nextFunctions', 'MulBackward0', 'AddBackward0', 'backward', 'retainGraph', 'createGraph', 'inputs', 'detach', 'detach_', 'registerHook', 'remove',
    'clone', 'isInference'],
  ops: ['add', 'sub', 'mul', 'div', 'pow', 'neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'sigmoid', 'tanh', 'matmul', 'sum', 'mean', 'amax', 'argmax',
    'reshape', 'view', 'transpose', 'permute', 't', 'unsqueeze', 'squeeze', 'expand', 'softmax', 'logSoftmax', 'contiguous',
    'zero_', 'fill_', 'add_', 'sub_', 'mul_', 'copy_', 'toString', 'inspect'],
  gradMode: ['isGradEnabled', 'noGrad', 'enableGrad', 'setGradEnabled', 'inferenceMode', 'isInferenceModeEnabled', 'isInference'],
  autograd: ['autograd', 'grad', 'gradOutputs', 'retainGraph', 'createGraph', 'allowUnused', 'detectAnomaly', 'setDetectAnomaly'],
  runtime: ['getBackend', 'setBackend', 'memoryStats', 'liveTensors', 'liveBytes', 'ShapeError', 'AutogradError'],
  nn: ['Module', 'forward', 'parameters', 'namedParameters', 'children', 'modules', 'train', 'eval', 'training', 'zeroGrad', 'stateDict',
    'loadStateDict', 'strict', 'Parameter', 'Linear', 'inFeatures', 'outFeatures', 'bias', 'weight', 'MSELoss', 'reduction', 'mean', 'sum', 'none',
    'Sequential', 'ReLU', 'Sigmoid', 'Tanh', 'functional', 'mseLoss', 'linear', 'relu'],
  optim: ['Optimizer', 'paramGroups', 'zeroGrad', 'setToNone', 'step', 'stateDict', 'loadStateDict', 'SGD', 'lr', 'momentum', 'dampening',
    'weightDecay', 'nesterov', 'maximize'],
  packages: ['@torchlet/core', '@torchlet/nn', '@torchlet/optim'],
};

const en = read('README.md'), ja = read('README.ja.md');

/** The identifiers (and package names) in the code spans of a cheat sheet. */
function namesIn(md: string): Set<string> {
  const names = new Set<string>();
  for (const span of codeSpans(section(md, 'cheatsheet'))) {
    for (const m of span.matchAll(/@torchlet\/\w+|[A-Za-z_$][\w$]*/g)) names.add(m[0]);
  }
  return names;
}

/** The code spans of each column of the cheat sheet's table rows. */
function columns(md: string): { pytorch: string[]; torchlet: string[]; notes: string[] } {
  const out = { pytorch: [] as string[], torchlet: [] as string[], notes: [] as string[] };
  for (const line of section(md, 'cheatsheet').split('\n')) {
    const cells = tableCells(line);
    if (!cells || cells.length !== 3 || /^-+$/.test(cells[0]) || cells[0] === 'PyTorch') continue;
    out.pytorch.push(...codeSpans(cells[0]));
    out.torchlet.push(...codeSpans(cells[1]));
    out.notes.push(...codeSpans(cells[2]));
  }
  return out;
}

describe('cheat sheet', () => {
  it.each([['README.md', en], ['README.ja.md', ja]])('%s names every name of the API contract', (_, md) => {
    const names = namesIn(md);
    const missing = Object.values(CONTRACT).flat().filter((n) => !names.has(n));
    expect(missing).toEqual([]);
  });

  it('every expression in the torchlet column runs', async () => {
    const spans = columns(en).torchlet;
    expect(spans.length).toBeGreaterThan(100);
    const dir = mkdtempSync(join(tmpdir(), 'torchlet-cheatsheet-'));
    try {
      writeFileSync(join(dir, 'spans.json'), JSON.stringify(spans));
      const script = readFileSync(new URL('./cheatsheet-eval.ts', import.meta.url), 'utf8');
      // Run as a copy so the relative imports stay inside this package's tsconfig paths.
      const r = await runModule(script.replace("process.argv.slice(2)", JSON.stringify([join(dir, 'spans.json'), join(dir, 'out.json')])), 'cheatsheet-eval.mts');
      expect(r.code, r.stderr).toBe(0);
      const results: { span: string; error: string | null }[] = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
      expect(results.filter((x) => x.error !== null).map((x) => `${x.span} → ${x.error}`)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('README.ja.md has the same code: cheat sheet, quick start and examples', () => {
    expect(columns(ja)).toEqual(columns(en));
    // The ts blocks and the install/test commands, in order (the playground's own section aside).
    const code = (md: string) =>
      codeBlocks(md)
        .filter((b) => (b.lang === 'ts' || /^np[mx] /.test(b.code)) && !b.code.includes('@torchlet/playground'))
        .map((b) => b.code);
    expect(code(ja)).toEqual(code(en));
  });
});
