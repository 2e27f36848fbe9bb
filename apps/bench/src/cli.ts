// `pnpm bench`: measures what turning gradients off saves. Every number printed is measured in
// this run (method: apps/bench/README.md).
import { writeFileSync } from 'node:fs';
import { getBackend } from '@torchlet/core';
import { seedLoop } from './workloads/seed-loop.js';
import { formatBytes, formatMs, table } from './report/table.js';

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : null;
const full = args.includes('--full');
const budget = full ? { warmupMs: 500, timeMs: 3000 } : { warmupMs: 200, timeMs: 1000 };

console.log(`torchlet bench: node ${process.version}, backend ${getBackend()}, ${full ? 'full' : 'quick'} preset`);
console.log('seed loop: x = x.add(1) x 1000 on a scalar ...');
const seed = await seedLoop(budget);
const grad = seed.find((r) => r.variant.startsWith('forward, grad'))!;
const off = seed.find((r) => r.variant === 'forward, noGrad')!;
console.log(
  table(
    ['variant', 'median / loop', 'min', 'max', '± rme', 'per op', 'retained (heap+buffers)', 'tensor storage'],
    seed.map((r) => [
      r.variant,
      formatMs(r.timing.median),
      formatMs(r.timing.min),
      formatMs(r.timing.max),
      `${r.timing.rme.toFixed(1)}%`,
      `${r.perOpUs.toFixed(3)} µs`,
      r.memory ? formatBytes(r.memory.processBytes) : '-',
      r.memory ? formatBytes(r.memory.tensorBytes) : '-',
    ]),
  ),
);
const timeRatio = off.timing.median / grad.timing.median;
const memRatio = grad.memory && off.memory ? off.memory.processBytes / grad.memory.processBytes : NaN;
console.log(`headline: noGrad / grad = ${timeRatio.toFixed(2)}x time, ${memRatio.toFixed(3)}x retained memory`);
if (jsonFile) {
  writeFileSync(jsonFile, JSON.stringify({ node: process.version, backend: getBackend(), preset: full ? 'full' : 'quick', seedLoop: seed }, null, 2));
  console.log(`results written to ${jsonFile}`);
}
