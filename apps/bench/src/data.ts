// Deterministic float32 inputs and weights, the same in every library: values do not matter for
// speed, but they must be float32, finite and identical so the peers compute the same thing (the
// regression's final loss is compared across libraries as a check). The Python peer evaluates
// the same formula (pattern() in peers/pytorch_bench.py).

/** `scale · sin(0.7·i + seed)` for i = 0..n−1, rounded to float32. */
export function pattern(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * Math.sin(0.7 * i + seed);
  return out;
}

/** Seeds of each tensor, so every library draws the same values for the same role. */
export const SEEDS = { input: 1, target: 2, matA: 3, matB: 4, layerWeight: (k: number) => 10 + 2 * k, layerBias: (k: number) => 11 + 2 * k };

/** Weight `[out, in]` and bias `[out]` of MLP layer k, scaled like PyTorch's default bound 1/√in. */
export function layerInit(k: number, inF: number, outF: number): { weight: Float32Array; bias: Float32Array } {
  const bound = 1 / Math.sqrt(inF);
  return { weight: pattern(outF * inF, SEEDS.layerWeight(k), bound), bias: pattern(outF, SEEDS.layerBias(k), bound) };
}

/** The transpose of a row-major `[rows, cols]` matrix (tfjs keeps dense kernels as `[in, out]`). */
export function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}

/** Regression data: x = 1, 2, …, points and y = slope·x + intercept, both `[points, 1]`. */
export function regressionData(points: number, slope: number, intercept: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(points);
  const y = new Float32Array(points);
  for (let i = 0; i < points; i++) {
    x[i] = i + 1;
    y[i] = slope * x[i] + intercept;
  }
  return { x, y };
}
