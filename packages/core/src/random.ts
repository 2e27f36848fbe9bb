// The default random generator: the same Mersenne Twister (mt19937) PyTorch's CPU generator
// uses, with its transformations, so `manualSeed(s)` followed by `rand`/`randn`/`uniform_`/
// `normal_` reproduces PyTorch's CPU values. PyTorch's kernels are compiled with FMA contraction,
// so `u·(to - from) + from` and `z·std + mean` round once here too. Two known limits: normals of
// large contiguous float32 tensors agree to float32 rounding (PyTorch computes them with SIMD
// float32 math), and float64 normals to a few ulps (Box-Muller's log/sin/cos are glibc's in
// PyTorch, V8's here: both within an ulp, but not always the same ulp).
import { ArgumentError } from './errors.js';

const N = 624;
const M = 397;

/** PyTorch's CPU generator state: mt19937 plus the cached second normal sample. */
class Generator {
  private readonly mt = new Uint32Array(N);
  private index = N;
  /** Second value of the last Box-Muller pair drawn by the scalar normal path, as PyTorch caches it. */
  nextDoubleNormal: number | null = null;
  seed: number;

  constructor(seed: number) {
    this.seed = seed;
    this.reseed(seed);
  }

  reseed(seed: number): void {
    this.seed = seed;
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i, in 32-bit arithmetic
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
    this.nextDoubleNormal = null;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      let v = mt[(i + M) % N] ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.index = 0;
  }

  /** Next 32 random bits. */
  random(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform in [0, 1) with float32's 24 bits (PyTorch's uniform_real for float). */
  uniform24(): number {
    return (this.random() & 0xffffff) * 5.9604644775390625e-8;
  }

  /** Uniform in [0, 1) with float64's 53 bits from two draws (PyTorch's random64 then uniform_real). */
  uniform53(): number {
    const hi = this.random();
    const lo = this.random();
    // (hi·2³² + lo) & (2⁵³ - 1), times 2⁻⁵³
    return ((hi & 0x1fffff) * 4294967296 + lo) * 1.1102230246251565e-16;
  }

  /** A standard normal sample via PyTorch's scalar Box-Muller (normal_distribution<double>). */
  normalDouble(): number {
    if (this.nextDoubleNormal !== null) {
      const v = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return v;
    }
    const u1 = this.uniform53();
    const u2 = this.uniform53();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

// ---- fused multiply-add, emulated exactly ---------------------------------------------------
// Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
// rounding to odd" (IEEE TC 2008): a·b exactly as p + pe (Dekker with Veltkamp's split), c + p
// exactly as s + se, then RN(s + RO(pe + se)).

const F64 = new Float64Array(1);
const W32 = new Uint32Array(F64.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1; // low word index (endianness)
const SPLIT = 134217729; // 2^27 + 1

/** Round-to-odd of the exact s + e, given s = RN(s + e) (s nonzero when e is). */
function roundToOdd(s: number, e: number): number {
  if (e === 0) return s;
  F64[0] = s;
  if ((W32[LOW] & 1) === 1) return s;
  // s has an even significand: step one ulp toward the exact value, onto the odd neighbour
  const hi = 1 - LOW;
  if (s > 0 === e > 0) {
    W32[LOW] = (W32[LOW] + 1) >>> 0;
    if (W32[LOW] === 0) W32[hi]++;
  } else {
    if (W32[LOW] === 0) W32[hi]--;
    W32[LOW] = (W32[LOW] - 1) >>> 0;
  }
  return F64[0];
}

/** `a·b + c` rounded once (C's fma), exact unless a·b is below 2⁻⁹⁶⁰ or above 2⁹⁶⁰ in magnitude. @internal */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  const m = Math.abs(p);
  if (!(m > 2 ** -960 && m < 2 ** 960 && Math.abs(a) < 2 ** 960 && Math.abs(b) < 2 ** 960)) return p + c;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  const pe = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = c + p;
  let bb = s - c;
  const se = c - (s - bb) + (p - bb);
  const v = pe + se;
  bb = v - pe;
  const ve = pe - (v - bb) + (se - bb);
  return s + roundToOdd(v, ve);
}

/** `a·b + c` rounded once to float32 (C's fmaf) for float32 a, b, c: a·b is exact in a double. @internal */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bb = s - p;
  // rounding to odd at 53 bits, then to nearest at 24 bits, rounds the exact sum correctly
  return Math.fround(roundToOdd(s, p - (s - bb) + (c - bb)));
}

const generator = new Generator(defaultSeed());

function defaultSeed(): number {
  // PyTorch seeds its default generator nondeterministically at startup; so do we.
  return (Math.random() * 2 ** 32) >>> 0;
}

/** Seeds the default generator (`torch.manual_seed`): afterwards random functions repeat PyTorch's CPU values. */
export function manualSeed(seed: number): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new ArgumentError(`manualSeed: seed must be an integer, got ${String(seed)}`);
  // PyTorch keeps the low 32 bits for mt19937 (negative seeds wrap, as for uint64) and reports
  // the whole seed from initial_seed (as a number: exact below 2^53)
  const wide = BigInt.asUintN(64, BigInt(seed));
  generator.reseed(Number(BigInt.asUintN(32, wide)));
  generator.seed = Number(wide);
}

/** The seed last used for the default generator (`torch.initial_seed`). */
export function initialSeed(): number {
  return generator.seed;
}

/** Fills `out` with U(from, to) samples, in order, as PyTorch's serial uniform kernel. @internal */
export function fillUniform(out: Float32Array | Float64Array, from: number, to: number): void {
  if (out instanceof Float64Array) {
    const range = to - from;
    for (let i = 0; i < out.length; i++) out[i] = fma(generator.uniform53(), range, from);
  } else {
    // float arithmetic: from, to and their difference rounded to float32, one fmaf per sample
    const lo = Math.fround(from);
    const range = Math.fround(Math.fround(to) - lo);
    for (let i = 0; i < out.length; i++) out[i] = fmaf(generator.uniform24(), range, lo);
  }
}

/**
 * Fills `out` with N(mean, std) samples, as PyTorch's CPU normal kernel: the vectorised path for
 * a contiguous tensor of at least 16 elements, else one scalar Box-Muller sample per element (a
 * strided tensor's elements in memory order, which the caller maps). @internal
 */
export function fillNormal(out: Float32Array | Float64Array, mean: number, std: number, contiguous = true): void {
  const n = out.length;
  if (n < 16 || !contiguous) {
    for (let i = 0; i < n; i++) out[i] = fma(generator.normalDouble(), std, mean);
    return;
  }
  // Vectorised path: fill with uniforms, then Box-Muller over blocks of 16 (8 pairs); a ragged
  // tail recomputes the last 16 values with fresh uniforms.
  const f32 = out instanceof Float32Array;
  const draw = f32 ? () => generator.uniform24() : () => generator.uniform53();
  for (let i = 0; i < n; i++) out[i] = draw();
  for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i, mean, std);
  if (n % 16 !== 0) {
    const start = n - 16;
    for (let i = 0; i < 16; i++) out[start + i] = draw();
    boxMuller16(out, start, mean, std);
  }
}

function boxMuller16(data: Float32Array | Float64Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[at + j];
    const u2 = data[at + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    data[at + j] = fma(radius * Math.cos(theta), std, mean);
    data[at + j + 8] = fma(radius * Math.sin(theta), std, mean);
  }
}

/** A uniform integer in [low, high) (PyTorch's random_from_to: 32 random bits, or 64 for ranges of 2³² and more). @internal */
export function randomInt(low: number, high: number): number {
  const range = high - low;
  if (range >= 4294967296) {
    // random64(): the first draw is the high word
    const hi = generator.random();
    const lo = generator.random();
    return low + Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(range));
  }
  return low + (generator.random() % range);
}

/** Bernoulli(p) draw (uniform < p), as PyTorch's CPU kernel without MKL. @internal */
export function bernoulliDraw(p: number): number {
  return generator.uniform53() < p ? 1 : 0;
}
