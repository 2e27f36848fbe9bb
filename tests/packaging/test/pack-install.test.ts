// The published packages as a user gets them: `pnpm pack` each one (pnpm rewrites `workspace:`
// ranges as `pnpm publish` does), install the three tarballs with plain npm into a fresh project
// outside the workspace, offline, and use them there: the seed training loop with `import` and
// with `require`, every entry point, and a TypeScript file type-checked against the shipped
// .d.ts/.d.cts. publint and attw lint the same tarballs (attw reads the file: no registry).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED, cleanEnv, pnpmCommand, resolveFromRoot, root, run, runOk } from './helpers.js';

let work = '';
let app = '';
const tarballs: Record<string, string> = {};
const expectedSeedOutput = readFileSync(join(root, 'examples/expected/seed-training-loop.txt'), 'utf8');
const seedSource = readFileSync(join(root, 'examples/seed-training-loop.ts'), 'utf8');

/** The tarball's files and package.json, read with tar. */
async function tarballContents(file: string): Promise<{ files: string[]; pkg: Record<string, any> }> {
  const list = await runOk('tar', ['-tzf', file], { cwd: work });
  const pkg = await runOk('tar', ['-xzOf', file, 'package/package.json'], { cwd: work });
  return { files: list.stdout.trim().split('\n').map((f) => f.replace(/^package\//, '')).sort(), pkg: JSON.parse(pkg.stdout) };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'torchlet-packaging-'));
  const packs = join(work, 'tarballs');
  mkdirSync(packs);
  for (const p of PUBLISHED) readFileSync(join(root, 'packages', p, 'dist/index.js')); // built? (turbo builds first)
  const [pnpm, pre] = pnpmCommand();
  await Promise.all(PUBLISHED.map((p) => runOk(pnpm, [...pre, 'pack', '--pack-destination', packs], { cwd: join(root, 'packages', p) })));
  for (const f of readdirSync(packs)) tarballs[/^torchlet-(\w+)-/.exec(f)![1]] = join(packs, f);

  // A fresh npm project outside the workspace; --offline proves the tarballs need no registry
  // (their only dependency is each other, as peers).
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'torchlet-consumer', version: '1.0.0', private: true }));
  // An empty npm cache too: nothing may come from an earlier download.
  await runOk('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...PUBLISHED.map((p) => tarballs[p])], {
    cwd: app,
    env: cleanEnv({ npm_config_cache: join(work, 'npm-cache') }),
  });

  // The seed training loop (examples/seed-training-loop.ts) compiled once to ESM and once to CJS.
  const compile = (module: ts.ModuleKind) =>
    ts.transpileModule(seedSource, { compilerOptions: { module, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(app, 'seed.mjs'), compile(ts.ModuleKind.ESNext));
  writeFileSync(join(app, 'seed.cjs'), compile(ts.ModuleKind.CommonJS));
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('tarballs', () => {
  it.each(PUBLISHED)('@torchlet/%s holds only built JS, types, README, LICENSE and package.json', async (p) => {
    const { files, pkg } = await tarballContents(tarballs[p]);
    const unexpected = files.filter((f) => !/^(dist\/[\w.-]+\.(js|cjs|d\.ts|d\.cts)|README\.md|LICENSE|package\.json)$/.test(f));
    expect(unexpected).toEqual([]);
    for (const f of ['README.md', 'LICENSE', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']) expect(files).toContain(f);
    // Every file the exports map names is in the tarball.
    const targets = JSON.stringify(pkg.exports).match(/"\.\/dist\/[^"]+"/g)!.map((s) => s.slice(3, -1));
    for (const t of targets) expect(files).toContain(t);
    // Published metadata: no workspace: ranges, a real repository, the fields a registry shows.
    expect(JSON.stringify(pkg)).not.toContain('workspace:');
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/torchlet/torchlet.git', directory: `packages/${p}` });
    expect(pkg).toMatchObject({ license: 'MIT', type: 'module', sideEffects: false, engines: { node: expect.any(String) } });
    for (const field of ['homepage', 'bugs', 'keywords', 'author', 'description']) expect(pkg[field], field).toBeTruthy();
    // Types first in every condition object.
    for (const entry of Object.values(pkg.exports as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null) continue;
      for (const cond of Object.values(entry as Record<string, Record<string, string>>)) expect(Object.keys(cond)[0]).toBe('types');
    }
    if (p !== 'core') expect(pkg.peerDependencies).toEqual({ '@torchlet/core': expect.stringMatching(/^[\d^~<>=.x |]+$/) });
  });
});

describe('installed with npm into a fresh project', () => {
  it('runs the seed training loop with import (ESM build)', async () => {
    const r = await runOk(process.execPath, ['seed.mjs'], { cwd: app, env: cleanEnv() });
    expect(r.stdout).toBe(expectedSeedOutput);
  });

  it('runs the seed training loop with require (CJS build)', async () => {
    const r = await runOk(process.execPath, ['seed.cjs'], { cwd: app, env: cleanEnv() });
    expect(r.stdout).toBe(expectedSeedOutput);
  });

  // Every entry point loads in both formats, resolves to the build of that format, and works;
  // exported classes keep their names (printouts and messages use them).
  const entriesCheck = (load: (id: string) => string, resolve: string) => `
    const core = ${load('@torchlet/core')}, testing = ${load('@torchlet/core/testing')};
    const nn = ${load('@torchlet/nn')}, nnNode = ${load('@torchlet/nn/node')}, optim = ${load('@torchlet/optim')};
    const x = core.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const lin = new nn.Linear(2, 1);
    await nnNode.saveSafetensorsFile('w.safetensors', lin.stateDict());
    lin.loadStateDict(await nnNode.loadSafetensorsFile('w.safetensors'));
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    const misnamed = [];
    for (const m of [core, testing, nn, nnNode, optim])
      for (const [k, v] of Object.entries(m))
        if (typeof v === 'function' && /^class\\b/.test(Function.prototype.toString.call(v)) && v.name !== k) misnamed.push(k + ' is named ' + v.name);
    console.log(JSON.stringify({
      gradcheck: testing.gradcheck((t) => t.pow(2).sum(), [x]),
      embedding: String(new nn.Embedding(10, 3)),
      optimizer: opt.constructor.name,
      misnamed,
      resolved: ['@torchlet/core', '@torchlet/core/testing', '@torchlet/nn', '@torchlet/nn/node', '@torchlet/optim'].map((id) => ${resolve}),
    }));`;

  it.each([
    ['ESM', 'entries.mjs', (id: string) => `await import('${id}')`, `import.meta.resolve(id)`, /\/dist\/\w+\.js$/],
    ['CJS', 'entries.cjs', (id: string) => `require('${id}')`, `require.resolve(id)`, /\/dist\/\w+\.cjs$/],
  ] as const)('loads every entry point (%s)', async (_, file, load, resolve, format) => {
    const body = entriesCheck(load, resolve);
    writeFileSync(join(app, file), file.endsWith('.mjs') ? body : `(async () => {${body}})().catch((e) => { console.error(e); process.exit(1); });`);
    const out = JSON.parse((await runOk(process.execPath, [file], { cwd: app, env: cleanEnv() })).stdout);
    expect(out).toMatchObject({ gradcheck: true, embedding: 'Embedding(10, 3)', optimizer: 'SGD', misnamed: [] });
    for (const path of out.resolved as string[]) {
      expect(path).toContain('/node_modules/@torchlet/');
      expect(path).toMatch(format);
    }
  });

  it('works with both builds loaded at once (dual package): tensors cross, one warning says what does not', async () => {
    writeFileSync(
      join(app, 'dual.mjs'),
      `import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const warnings = [];
      process.on('warning', (w) => warnings.push(w.code));
      const esm = await import('@torchlet/core');
      const cjs = require('@torchlet/core');
      const { Linear } = require('@torchlet/nn');
      const { SGD } = await import('@torchlet/optim');
      const a = esm.tensor([1, 2], { requiresGrad: true }), b = cjs.tensor([3, 4], { requiresGrad: true });
      const c = a.mul(b).add(cjs.exp(a)).sum();
      c.backward();
      const lin = new Linear(2, 1); // CJS nn on the CJS core, fed an ESM tensor, stepped by the ESM optim
      const opt = new SGD(lin.parameters(), { lr: 0.1 });
      lin.call(esm.tensor([[1, 2]])).sum().backward();
      opt.step();
      await new Promise((resolve) => setImmediate(resolve));
      console.log(JSON.stringify({
        twoClasses: esm.Tensor !== cjs.Tensor,
        crossInstanceof: a instanceof cjs.Tensor && b instanceof esm.Tensor,
        parameterStillStrict: !(a instanceof require('@torchlet/nn').Parameter),
        grads: [String(a.grad), String(b.grad)],
        gradModeShared: esm.noGrad(() => cjs.isGradEnabled()),
        warnings,
      }));`,
    );
    const out = JSON.parse((await runOk(process.execPath, ['dual.mjs'], { cwd: app, env: cleanEnv() })).stdout);
    expect(out).toEqual({
      twoClasses: true,
      crossInstanceof: true,
      parameterStillStrict: true,
      grads: ['tensor([ 5.7183, 11.3891])', 'tensor([1., 2.])'],
      gradModeShared: false,
      warnings: ['TORCHLET_DUAL_PACKAGE'],
    });
    // One copy, as in the seed runs: no warning.
    const single = await runOk(process.execPath, ['seed.mjs'], { cwd: app, env: cleanEnv() });
    expect(single.stderr).toBe('');
  });

  it('type-checks a TypeScript file that uses them (ESM and CJS, nodenext, shipped .d.ts only)', async () => {
    // The seed loop once as ESM (.mts → index.d.ts) and once as CJS (.cts → index.d.cts), plus the
    // subpath entries; no @types/node and skipLibCheck off, so the declarations must stand alone.
    copyFileSync(join(root, 'examples/seed-training-loop.ts'), join(app, 'seed-loop.mts'));
    copyFileSync(join(root, 'examples/seed-training-loop.ts'), join(app, 'seed-loop.cts'));
    writeFileSync(
      join(app, 'entries.mts'),
      [
        "import { type Tensor, tensor } from '@torchlet/core';",
        "import { gradcheck } from '@torchlet/core/testing';",
        "import { Linear, type StateDict } from '@torchlet/nn';",
        "import { loadSafetensorsFile } from '@torchlet/nn/node';",
        "import { Adam, lrScheduler } from '@torchlet/optim';",
        'const x: Tensor = tensor([1, 2], { dtype: "float64", requiresGrad: true });',
        'const ok: true = gradcheck((t: Tensor) => t.mul(t).sum(), [x]);',
        'const model = new Linear(2, 1);',
        'const opt = new Adam(model.parameters(), { lr: 0.1 });',
        'const sched = new lrScheduler.StepLR(opt, 10);',
        'export const pending: Promise<StateDict> = loadSafetensorsFile("w.safetensors");',
        'export const out: Tensor = model.call(x.float().unsqueeze(0));',
        'export const lr: number[] = sched.getLastLr();',
        'export { ok };',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023', 'dom'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['seed-loop.mts', 'seed-loop.cts', 'entries.mts'],
      }),
    );
    const r = await run(process.execPath, [resolveFromRoot('typescript/bin/tsc'), '-p', 'tsconfig.json', '--listFiles'], { cwd: app });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Checked against the installed declarations of both formats, not the workspace's sources.
    expect(r.stdout).toContain('node_modules/@torchlet/core/dist/index.d.ts');
    expect(r.stdout).toContain('node_modules/@torchlet/core/dist/index.d.cts');
    expect(r.stdout).not.toContain('/packages/core/src/');
  });
});

describe('lint', () => {
  it.each(PUBLISHED)('publint finds nothing in @torchlet/%s (strict, every level)', async (p) => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const buf = readFileSync(tarballs[p]);
    const tarball = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const { messages, pkg } = await publint({ pack: { tarball }, strict: true, level: 'suggestion' });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false })}`)).toEqual([]);
  });

  it('attw finds no problems in any tarball (strict profile: node10, node16 CJS/ESM, bundler)', async () => {
    // The CLI's own engine and exit rule (--profile strict: nothing ignored) in one plain Node
    // process for the three tarballs: one TypeScript load instead of three. It reads the files;
    // no registry is involved.
    const cliPkg = resolveFromRoot('@arethetypeswrong/cli/package.json');
    const corePkg = createRequire(cliPkg).resolve('@arethetypeswrong/core/package.json');
    const script = `
      import { readFileSync } from 'node:fs';
      const attw = await import(${JSON.stringify(pathToFileURL(join(dirname(corePkg), 'dist/index.js')).href)});
      const { getExitCode } = await import(${JSON.stringify(pathToFileURL(join(dirname(cliPkg), 'dist/getExitCode.js')).href)});
      const out = {};
      for (const [name, file] of Object.entries(JSON.parse(process.argv[1]))) {
        const analysis = await attw.checkPackage(attw.createPackageFromTarballData(new Uint8Array(readFileSync(file))));
        out[name] = { types: analysis.types && analysis.types.kind, entrypoints: Object.keys(analysis.entrypoints).sort(),
          problems: analysis.problems, exitCode: getExitCode(analysis, { ignoreRules: [], ignoreResolutions: [] }) };
      }
      console.log(JSON.stringify(out));`;
    const r = await runOk(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(tarballs)], { cwd: work, env: cleanEnv() });
    const report = JSON.parse(r.stdout);
    for (const p of PUBLISHED) {
      const extra = p === 'core' ? ['./testing'] : p === 'nn' ? ['./node'] : [];
      expect(report[p], p).toEqual({ types: 'included', entrypoints: ['.', './package.json', ...extra].sort(), problems: [], exitCode: 0 });
    }
  });
});
