// The page: trains in small chunks per animation frame, draws the data, the decision boundary and
// the loss curve, and compares the boundary-grid evaluation with grad recording on and off.
import {
  GradModeError, type Tensor, getBackend, getNumThreads, initBackend, isGradEnabled, listBackends, noGrad, setGradEnabled,
} from '@torchlet/core';
import {
  type DatasetName, type EvalMode, type ModeCost, Trainer, VIEW, classOneProbability, evaluateGrid, graphNodes, makeGrid, measureModes,
} from './lab.js';

/** Steps a run trains for before it pauses by itself ("Train more" continues). */
const STEPS_PER_RUN = 1500;
/** Boundary grid resolution: GRID × GRID points. */
const GRID = 64;
/** Accuracy is evaluated every this many steps. */
const ACCURACY_EVERY = 10;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`playground: #${id} is missing from index.html`);
  return el as T;
};
const setText = (id: string, text: string, value?: number | string) => {
  const el = $(id);
  el.textContent = text;
  if (value !== undefined) el.dataset.value = String(value);
};

// ---- errors: shown on the page (and in the console) ---------------------------------------------
function showError(e: unknown): void {
  const box = $('errors');
  box.hidden = false;
  box.textContent += `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`;
}
function fail(e: unknown): void {
  showError(e);
  console.error(e);
}
window.addEventListener('error', (ev) => showError(ev.error ?? ev.message));
window.addEventListener('unhandledrejection', (ev) => showError(ev.reason));

// ---- runtime -------------------------------------------------------------------------------------
document.body.dataset.state = 'loading';
// In a browser's main thread the WebAssembly backend compiles asynchronously: until it is ready,
// ops run on the JavaScript backend.
setText('backend-before', getBackend());
const tInit = performance.now();
const backend = await initBackend();
const initMs = performance.now() - tInit;
setText('backend', `${backend} (of ${listBackends().join(', ')})`, backend);
$('backend').title = `initBackend() resolved after ${initMs.toFixed(1)} ms`;
setText('threads', String(getNumThreads()), getNumThreads());
$('threads').title = 'A browser main thread cannot block on workers, so the kernels run on this thread';
setText('isolated', crossOriginIsolated ? 'yes (SharedArrayBuffer)' : 'no', String(crossOriginIsolated));
const gc = (globalThis as { gc?: () => void }).gc ?? null;
setText('gc', gc === null ? 'not available (“kept alive” shows n/a)' : 'gc() available', String(gc !== null));

// ---- state ---------------------------------------------------------------------------------------
const grid = makeGrid(GRID);
let trainer: Trainer;
let points: { xy: number[][]; labels: number[] };
let running = false;
let stopAt = STEPS_PER_RUN;
let frameRequested = false;
let measuring = false;

const plane = $<HTMLCanvasElement>('plane');
const lossCanvas = $<HTMLCanvasElement>('loss-curve');
const boundaryImage = document.createElement('canvas');
boundaryImage.width = boundaryImage.height = GRID;

function evalMode(): EvalMode {
  return (document.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value as EvalMode) ?? 'grad';
}

function reset(): void {
  const dataset = ($<HTMLSelectElement>('dataset').value as DatasetName);
  const seed = Math.max(0, Math.floor(Number($<HTMLInputElement>('seed').value) || 0));
  trainer = new Trainer(dataset, seed);
  points = { xy: trainer.data.x.tolist() as number[][], labels: trainer.data.labels.tolist() as number[] };
  stopAt = STEPS_PER_RUN;
  setText('step', '0', 0);
  setText('loss-first', '–');
  setText('loss', '–');
  setText('accuracy', '–');
  setText('step-time', '–');
  drawBoundary();
  drawLoss();
  setRunning(true);
}

function setRunning(on: boolean): void {
  running = on;
  $('train').textContent = on ? 'Pause' : trainer.steps >= stopAt ? 'Train more' : 'Train';
  document.body.dataset.state = on ? 'training' : trainer.steps >= stopAt ? 'done' : 'paused';
  if (on) requestFrame();
}

function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

// One animation frame: a few training steps, then redraw. Small chunks keep the page responsive.
function frame(): void {
  frameRequested = false;
  if (!running || measuring) return;
  try {
    const n = Number($<HTMLSelectElement>('steps-per-frame').value);
    const t0 = performance.now(), s0 = trainer.steps;
    for (let i = 0; i < n && trainer.steps < stopAt; i++) {
      trainer.step();
      if (trainer.steps % ACCURACY_EVERY === 0) {
        const acc = trainer.accuracy();
        setText('accuracy', `${(acc * 100).toFixed(1)}%`, acc);
      }
    }
    const stepMs = (performance.now() - t0) / Math.max(1, trainer.steps - s0);
    setText('step-time', `≈${stepMs.toFixed(2)} ms (forward, loss, backward, Adam; last frame)`, stepMs);
    const losses = trainer.losses;
    setText('step', String(trainer.steps), trainer.steps);
    setText('loss-first', losses[0].toFixed(4), losses[0]);
    setText('loss', losses[losses.length - 1].toFixed(4), losses[losses.length - 1]);
    drawBoundary();
    drawLoss();
    if (trainer.steps >= stopAt) {
      setRunning(false);
      void measure();
    } else requestFrame();
  } catch (e) {
    running = false;
    fail(e);
  }
}

// ---- drawing -------------------------------------------------------------------------------------
const toPx = (v: number, size: number) => ((v - VIEW.min) / (VIEW.max - VIEW.min)) * size;
const BLUE = [37, 99, 235], ORANGE = [234, 88, 12];
const BLUE_BG = [147, 197, 253], ORANGE_BG = [253, 186, 116], WHITE = [255, 255, 255];
const mix = (a: number[], b: number[], t: number) => a.map((v, i) => v + (b[i] - v) * t);

/** Evaluates the grid in the selected mode (timed), paints the probabilities, then the points. */
function drawBoundary(): void {
  const mode = evalMode();
  const t0 = performance.now();
  const { out, values } = evaluateGrid(trainer.model, grid, mode);
  const ms = performance.now() - t0;
  setText('last-eval', `${mode === 'grad' ? 'grad on' : 'noGrad'}: ≈${ms.toFixed(1)} ms, ${graphNodes(out)} graph nodes kept`, mode);

  const bctx = boundaryImage.getContext('2d')!;
  const img = bctx.createImageData(GRID, GRID);
  for (let i = 0; i < values.length; i++) {
    const p = values[i];
    const c = p < 0.5 ? mix(BLUE_BG, WHITE, p * 2) : mix(WHITE, ORANGE_BG, (p - 0.5) * 2);
    img.data.set([c[0], c[1], c[2], 255], 4 * i);
  }
  bctx.putImageData(img, 0, 0);

  const ctx = plane.getContext('2d')!;
  const { width: w, height: h } = plane;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(boundaryImage, 0, 0, w, h);
  for (let i = 0; i < points.labels.length; i++) {
    const [x, y] = points.xy[i];
    ctx.beginPath();
    ctx.arc(toPx(x, w), h - toPx(y, h), 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${(points.labels[i] === 1 ? ORANGE : BLUE).join(',')})`;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#fff';
    ctx.stroke();
  }
}

/** The loss per step on a log scale. */
function drawLoss(): void {
  const ctx = lossCanvas.getContext('2d')!;
  const { width: w, height: h } = lossCanvas;
  const left = 40, right = 8, top = 8, bottom = 20;
  ctx.clearRect(0, 0, w, h);
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = '#6b7280';
  const losses = trainer.losses;
  ctx.textAlign = 'right';
  ctx.fillText('loss per step (log scale)', w - right - 4, top + 10);
  ctx.textAlign = 'left';
  if (losses.length === 0) return;
  const logs = losses.map((l) => Math.log10(Math.max(l, 1e-6)));
  const hi = Math.ceil(Math.max(...logs.slice(0, 50), -5) + 1e-9), lo = Math.min(Math.floor(Math.min(...logs)), hi - 1);
  const xMax = Math.max(stopAt, losses.length);
  const X = (i: number) => left + (i / xMax) * (w - left - right);
  const Y = (l: number) => top + ((hi - l) / (hi - lo)) * (h - top - bottom);
  ctx.strokeStyle = '#e5e7eb';
  ctx.lineWidth = 1;
  for (let e = lo; e <= hi; e++) {
    ctx.beginPath();
    ctx.moveTo(left, Y(e));
    ctx.lineTo(w - right, Y(e));
    ctx.stroke();
    ctx.fillText(e >= 0 ? String(10 ** e) : (10 ** e).toFixed(-e), 2, Y(e) + 3);
  }
  ctx.textAlign = 'right';
  ctx.fillText(String(xMax), w - right, h - 6);
  ctx.textAlign = 'left';
  ctx.fillText('0', left, h - 6);
  ctx.strokeStyle = '#1f2937';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  const stride = Math.max(1, Math.floor(losses.length / (w - left - right)));
  for (let i = 0; i < logs.length; i += stride) (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, X(i), Y(Math.min(logs[i], hi)));
  ctx.lineTo(X(logs.length - 1), Y(Math.min(logs[logs.length - 1], hi)));
  ctx.stroke();
}

// ---- grad on vs off --------------------------------------------------------------------------------
const fmtMs = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
function fmtBytes(b: number): string {
  const a = Math.abs(b);
  return a < 1024 ? `${b} B` : a < 1024 * 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${(b / 1024 / 1024).toFixed(2)} MiB`;
}
const ratio = (off: number, on: number) => (on > 0 ? ` (${(off / on).toFixed(2)}×)` : '');

async function measure(): Promise<void> {
  if (measuring) return;
  measuring = true;
  const button = $<HTMLButtonElement>('measure');
  button.disabled = true;
  setText('measure-status', 'measuring…');
  document.body.dataset.measured = 'pending';
  try {
    const [on, off] = await measureModes(trainer.model, grid, { now: () => performance.now(), gc });
    showCosts(on, off);
    setText('measure-status', `at step ${trainer.steps}; ${on.blocks} blocks of ${on.perBlock} evaluations per mode`);
    document.body.dataset.measured = 'done';
  } catch (e) {
    fail(e);
  } finally {
    measuring = false;
    button.disabled = false;
    if (running) requestFrame();
  }
}

function showCosts(on: ModeCost, off: ModeCost): void {
  setText('time-grad', fmtMs(on.ms), on.ms);
  setText('time-noGrad', fmtMs(off.ms) + ratio(off.ms, on.ms), off.ms);
  setText('nodes-grad', String(on.nodes), on.nodes);
  setText('nodes-noGrad', String(off.nodes), off.nodes);
  if (on.retainedBytes === null || off.retainedBytes === null) {
    setText('retained-grad', 'n/a (no gc() hook)', '');
    setText('retained-noGrad', 'n/a (no gc() hook)', '');
  } else {
    setText('retained-grad', fmtBytes(on.retainedBytes), on.retainedBytes);
    setText('retained-noGrad', fmtBytes(off.retainedBytes) + ratio(off.retainedBytes, on.retainedBytes), off.retainedBytes);
  }
  setText('allocated-grad', fmtBytes(on.allocatedBytes), on.allocatedBytes);
  setText('allocated-noGrad', fmtBytes(off.allocatedBytes) + ratio(off.allocatedBytes, on.allocatedBytes), off.allocatedBytes);
}

// ---- async callbacks -------------------------------------------------------------------------------
async function tryAsyncNoGrad(): Promise<void> {
  let text: string;
  try {
    const out: Tensor = await noGrad(async () => {
      await Promise.resolve();
      return classOneProbability(trainer.model, grid);
    });
    text = `no error: this runtime has AsyncLocalStorage (output.requiresGrad = ${out.requiresGrad})`;
  } catch (e) {
    if (!(e instanceof GradModeError)) throw e;
    text = `${e.name}: ${e.message}`;
  }
  setText('async-result', text, 'done');
}

// The workaround the error suggests: set the mode around the async work. The mode is then global
// while the work is pending, so nothing else may run in between (here the await is a microtask,
// which no animation frame can interrupt); restore the previous mode afterwards.
async function asyncWorkaround(): Promise<void> {
  const previous = isGradEnabled();
  setGradEnabled(false);
  let out: Tensor;
  let inside: boolean;
  try {
    await Promise.resolve();
    inside = isGradEnabled();
    out = classOneProbability(trainer.model, grid);
  } finally {
    setGradEnabled(previous);
  }
  setText(
    'async-workaround-result',
    `setGradEnabled(false); await …; model.forward(grid); setGradEnabled(${previous})\n` +
      `isGradEnabled() after the await: ${inside}, output.gradFn: ${out.gradFn?.name ?? 'null'}, now isGradEnabled(): ${isGradEnabled()}`,
    'done',
  );
}

// ---- wiring ----------------------------------------------------------------------------------------
$('train').addEventListener('click', () => {
  if (running) return setRunning(false);
  if (trainer.steps >= stopAt) stopAt = trainer.steps + STEPS_PER_RUN;
  setRunning(true);
});
const safeReset = () => {
  try {
    reset();
  } catch (e) {
    fail(e);
  }
};
$('reset').addEventListener('click', safeReset);
$('dataset').addEventListener('change', safeReset);
$('seed').addEventListener('change', safeReset);
for (const radio of document.querySelectorAll('input[name="mode"]')) {
  radio.addEventListener('change', () => {
    try {
      drawBoundary();
    } catch (e) {
      fail(e);
    }
  });
}
$('measure').addEventListener('click', () => void measure());
$('async-try').addEventListener('click', () => tryAsyncNoGrad().catch(fail));
$('async-workaround').addEventListener('click', () => asyncWorkaround().catch(fail));

reset();
