// Scalar math that must round like CPython's, which calls the C library (glibc): PyTorch computes
// bias corrections (`beta1 ** step`) and closed-form schedules (`gamma ** k`) as Python floats.
// V8's Math.pow is not correctly rounded (0.9 ** 4 is 0.6561000000000001 in V8, 0.6561 in
// Python), and one ulp in a bias correction is one ulp in every parameter update.

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's constant for splitting a double into two halves

// a·b = p + e exactly (Dekker's TwoProduct), barring overflow.
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const ca = SPLIT * a, aHi = ca - (ca - a), aLo = a - aHi;
  const cb = SPLIT * b, bHi = cb - (cb - b), bLo = b - bHi;
  return [p, aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo];
}

// Product of two double-doubles (hi + lo), to about 2^-104 relative.
function mulDD(x: [number, number], y: [number, number]): [number, number] {
  const [p, e] = twoProduct(x[0], y[0]);
  const err = e + (x[0] * y[1] + x[1] * y[0]);
  const hi = p + err;
  return [hi, err - (hi - p)];
}

/**
 * `base ** exponent` rounded as glibc's pow rounds it (correctly, in practice) for integral
 * exponents: binary powering in double-double arithmetic, then one rounding. Other exponents,
 * and results that overflow or underflow, fall back to `**`.
 */
export function pow(base: number, exponent: number): number {
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 2 ** 53) return base ** exponent;
  let result: [number, number] = [1, 0];
  let square: [number, number] = [base, 0];
  for (let n = exponent; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) result = mulDD(result, square);
    if (n > 1) square = mulDD(square, square);
  }
  const r = result[0] + result[1];
  // the error terms are only exact for normal, finite intermediate values
  return Number.isFinite(r) && Math.abs(r) >= 2 ** -969 ? r : base ** exponent;
}
