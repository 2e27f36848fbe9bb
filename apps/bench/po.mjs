import { tensor, noGrad, setBackend, getBackend } from '@torchlet/core';
setBackend(process.argv[2] ?? 'wasm');
const chain = (x) => { for (let i = 0; i < 1000; i++) x = x.add(1); return x; };
function run(f, reps) { for (let i = 0; i < 300; i++) f(); let best = Infinity; for (let r = 0; r < 7; r++) { const t = process.hrtime.bigint(); for (let i = 0; i < reps; i++) f(); best = Math.min(best, Number(process.hrtime.bigint() - t) / reps / 1000); } return best.toFixed(1); }
const g = run(() => chain(tensor(1, { requiresGrad: true })), 400);
const n = run(() => noGrad(() => chain(tensor(1, { requiresGrad: true }))), 400);
const b = run(() => chain(tensor(1, { requiresGrad: true })).backward(), 200);
console.log(getBackend(), 'grad', g, 'noGrad', n, 'fwd+backward', b, 'ns/op (best of 7)');
