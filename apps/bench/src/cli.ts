// `pnpm bench`: how much turning gradients off saves in torchlet, and how torchlet compares with
// the libraries a user would pick instead. Every number printed or written is measured in this
// run (method: apps/bench/README.md). The same file is the entry of the tfjs peer processes.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as core from '@torchlet/core';
import { getBackend, memoryStats, setMemoryTracking } from '@torchlet/core';
import { parseArgs, USAGE, UsageError, type Options } from './args.js';
import type { TensorCounter } from './measure.js';
import { appRoot, repoRoot } from './paths.js';
import { planCases, PRESETS, selectWorkloads, support } from './plan.js';
import { emit, type PeerRequest } from './peers/protocol.js';
import { PEERS, runOnePeer, type PeerId } from './peers/run.js';
import { ProgressLine } from './progress.js';
import type { CaseResult, LibraryInfo } from './results.js';
import { chartSvg } from './report/chart.js';
import { buildReport, environment, loadNow, type BenchReport } from './report/json.js';
import { readmeSection, replaceBetweenMarkers } from './report/readme.js';
import { textTable } from './report/table.js';
import { detailTable, environmentLine, gradOffTable, libraryTable, peerTable } from './report/tables.js';
import { measureCases } from './workloads/task.js';
import { torchletWorkloads } from './workloads/index.js';

/** torchlet's live-storage counter: on only while memory is measured (~0.25 µs per allocation). */
const torchletCounter: TensorCounter = {
  start: () => setMemoryTracking(true),
  stop: () => setMemoryTracking(false),
  liveBytes: () => memoryStats().liveBytes,
  processVisible: true,
};

function torchletInfo(): LibraryInfo {
  const require = createRequire(import.meta.url);
  const { version } = JSON.parse(readFileSync(require.resolve('@torchlet/core/package.json'), 'utf8')) as { version: string };
  const backend = getBackend();
  // getNumThreads() (like torch.get_num_threads) is not in the API contract yet: use it where it exists.
  const getNumThreads = (core as { getNumThreads?: () => number }).getNumThreads;
  return {
    id: 'torchlet',
    name: 'torchlet',
    version,
    backend,
    threads: getNumThreads ? getNumThreads() : 1,
    threadSource: getNumThreads ? `getNumThreads(); backend '${backend}' from getBackend()` : `calling JavaScript thread; backend '${backend}' from getBackend()`,
    status: 'ok',
    notes: [],
    memory: { process: 'V8 heap (without code) + arrayBuffers growth after forced GC', tensors: 'memoryStats().liveBytes growth' },
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Child-process mode: one tfjs backend measures the cases its parent sent. */
async function servePeer(opts: Options): Promise<void> {
  const request = JSON.parse(await readStdin()) as PeerRequest;
  const { serveTfjs } = await import('./peers/tfjs.js');
  if (opts.peer === 'tfjs-cpu' || opts.peer === 'tfjs-wasm') await serveTfjs(opts.peer, request);
  else throw new Error(`--peer ${String(opts.peer)} is not a Node peer`);
}

/** Runs torchlet, then each peer, on the plan; returns the results document. */
async function run(opts: Options): Promise<BenchReport> {
  const preset = PRESETS[opts.preset];
  const workloads = selectWorkloads(opts.filter);
  const cases = planCases(workloads, preset);
  const started = Date.now();
  const loadAtStart = loadNow();
  const casesOfPeer = (peer: PeerId) => cases.filter((c) => support(peer, c) !== null).length;
  const progress = new ProgressLine(cases.length + (opts.compare ? PEERS.reduce((n, p) => n + casesOfPeer(p), 0) : 0));
  console.log(`torchlet bench: ${preset.name} preset, ${workloads.join(', ')}${opts.compare ? `; compare with ${PEERS.join(', ')}` : ''}`);
  const libraries = [torchletInfo()];
  const results: CaseResult[] = await measureCases(
    'torchlet',
    cases,
    torchletWorkloads,
    preset.budget,
    torchletCounter,
    (c, stage) => progress.step('torchlet', c, stage),
    (r) => progress.finished(r),
  );
  if (opts.compare) {
    for (const peer of PEERS) {
      progress.note(`starting ${peer}`);
      const expected = casesOfPeer(peer);
      const seen = new Set<string>();
      const out = await runOnePeer(peer, cases, preset.budget, {
        progress: (c, stage) => progress.step(peer, c, stage),
        result: (r) => (seen.add(r.caseId), progress.finished(r)),
      });
      for (const r of out.results.filter((x) => !seen.has(x.caseId))) progress.finished(r); // derived ones
      progress.drop(expected - out.results.length);
      if (out.info.status !== 'ok') progress.note(`${peer} ${out.info.status}: ${out.info.notes.join('; ')}`);
      libraries.push(out.info);
      results.push(...out.results);
    }
  }
  progress.end();
  return buildReport({
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    preset: preset.name,
    filter: opts.filter,
    compare: opts.compare,
    workloads,
    budget: preset.budget,
    environment: environment(loadAtStart),
    libraries,
    cases,
    results,
  });
}

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Prints the tables and writes JSON, chart and (if asked) the README section. */
function publish(report: BenchReport, opts: Options): void {
  const peers = peerTable(report);
  const sections = [libraryTable(report), detailTable(report), ...(peers ? [peers] : []), gradOffTable(report)];
  console.log(`\n${environmentLine(report)}\n`);
  for (const t of sections) console.log(`${textTable(t)}\n`);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const svg = chartSvg(report);
  const outDir = opts.out ? resolve(process.env.INIT_CWD ?? process.cwd(), opts.out) : join(appRoot(), 'results');
  const written = [join(outDir, 'latest.json'), join(outDir, 'latest.svg')];
  write(written[0], json);
  write(written[1], svg);
  if (opts.json) {
    // pnpm runs the script from the repository root; a relative path means the user's directory.
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), opts.json);
    write(file, json);
    written.push(file);
  }
  if (opts.updateReadme) {
    const results = join(appRoot(), 'results');
    const readme = join(repoRoot(), 'README.md');
    write(join(results, 'bench.json'), json);
    write(join(results, 'bench.svg'), svg);
    const rel = (p: string) => relative(repoRoot(), p).split('\\').join('/');
    const section = readmeSection(report, rel(join(results, 'bench.svg')), rel(join(results, 'bench.json')));
    writeFileSync(readme, replaceBetweenMarkers(readFileSync(readme, 'utf8'), section));
    written.push(join(results, 'bench.json'), join(results, 'bench.svg'), readme);
  }
  console.log(`written: ${written.map((p) => relative(process.cwd(), p) || p).join(', ')}`);
}

async function main(): Promise<void> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts.help) return void console.log(USAGE);
  if (opts.peer) {
    try {
      await servePeer(opts);
    } catch (e) {
      emit({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      process.exitCode = 1;
    }
    return;
  }
  publish(await run(opts), opts);
}

await main();
