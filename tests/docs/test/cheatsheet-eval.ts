// Evaluates the torchlet column of the README's cheat sheet (run by cheatsheet.test.ts with tsx;
// argv: a JSON file of code spans in, a JSON file of results out). Each span is a JavaScript
// expression evaluated in a fresh context (the variables the README names: x, y, t, model, fc,
// target, lossFn, opt, sd, fn) with every export of the packages in scope; `import` spans are
// checked against the packages' real exports instead.
import { readFileSync, writeFileSync } from 'node:fs';
import * as core from '@torchlet/core';
import * as testing from '@torchlet/core/testing';
import * as nn from '@torchlet/nn';
import * as optim from '@torchlet/optim';

const modules: Record<string, Record<string, unknown>> = {
  '@torchlet/core': core,
  '@torchlet/core/testing': testing,
  '@torchlet/nn': nn,
  '@torchlet/optim': optim,
};

// Every export in scope by name; where two packages export one name, the first (core) wins.
const exported: Record<string, unknown> = {};
for (const mod of Object.values(modules)) for (const [k, v] of Object.entries(mod)) if (!(k in exported)) exported[k] = v;

function context(): Record<string, unknown> {
  const { randn, tensor, zeros } = core;
  const x = randn([2, 3], { requiresGrad: true });
  const y = x.pow(2).sum();
  const t = tensor([[1, 2], [3, 4]]);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 1));
  const fc = new nn.Linear(3, 1);
  const target = zeros([2, 1]);
  const lossFn = new nn.MSELoss();
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const sd = model.stateDict();
  const fn = () => model.call(x);
  return { ...exported, F: nn.functional, x, y, t, model, fc, target, lossFn, opt, sd, fn };
}

function checkImport(span: string): void {
  const m = /^import \{([^}]*)\} from '([^']+)'$/.exec(span);
  if (!m) throw new Error('not a named import');
  const mod = modules[m[2]];
  if (!mod) throw new Error(`unknown module ${m[2]}`);
  for (const spec of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
    const name = spec.split(/\s+as\s+/)[0];
    if (!(name in mod)) throw new Error(`${m[2]} has no export ${name}`);
  }
}

// Global state an expression may change (grad mode, backend, ...), restored after each one.
const saved = { backend: core.getBackend(), threads: core.getNumThreads(), print: core.getPrintOptions() };
function restore(): void {
  core.setGradEnabled(true);
  core.autograd.setDetectAnomaly(false);
  core.setBackend(saved.backend);
  core.setNumThreads(saved.threads);
  core.setPrintOptions(saved.print);
}

const [input, output] = process.argv.slice(2);
const spans: string[] = JSON.parse(readFileSync(input, 'utf8'));
const results: { span: string; error: string | null }[] = [];
const log = console.log;
console.log = () => {}; // spans like `console.log(x)` print; keep the output clean
for (const span of spans) {
  let error: string | null = null;
  try {
    if (span.startsWith('import ')) checkImport(span);
    else {
      const ctx = context();
      const value = new Function(...Object.keys(ctx), `"use strict"; return (${span});`)(...Object.values(ctx));
      if (value === undefined && !/\)$/.test(span)) throw new Error('evaluates to undefined (a misspelt member?)');
    }
  } catch (e) {
    error = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
  }
  restore();
  results.push({ span, error });
}
console.log = log;
writeFileSync(output, JSON.stringify(results));
