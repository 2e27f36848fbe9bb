// Vector approximations of exp, tanh and sigmoid for float32 lanes, within 2 ulp of the
// correctly rounded results (measured against Math.exp/Math.tanh rounded to float32), with
// IEEE special values: NaN in gives NaN out, exp(+inf) = inf, exp(-inf) = 0.
#ifndef TORCHLET_MATH_H
#define TORCHLET_MATH_H

#include "common.h"

#define F(x) wasm_f32x4_splat(x)

// exp: x = n·ln2 + r with |r| ≤ ln2/2, e^r by Cephes' degree-6 polynomial, times 2^n in two
// steps so that results in the subnormal range round gradually.
INLINE V exp_f32x4(V x) {
  const V hi = F(88.7228394f), lo = F(-103.972084f);
  V xc = wasm_f32x4_min(wasm_f32x4_max(x, lo), hi);
  V n = wasm_f32x4_nearest(wasm_f32x4_mul(xc, F(1.44269504088896341f)));
  V r = wasm_f32x4_sub(xc, wasm_f32x4_mul(n, F(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, F(-2.12194440e-4f)));
  V p = F(1.9875691500E-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F(1.3981999507E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F(8.3334519073E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F(4.1665795894E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F(1.6666665459E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F(5.0000001201E-1f));
  V y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), F(1.0f));
  V ni = wasm_i32x4_trunc_sat_f32x4(n);
  V n1 = wasm_i32x4_shr(ni, 1), n2 = wasm_i32x4_sub(ni, n1);
  V s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, wasm_i32x4_splat(127)), 23);
  V s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, wasm_i32x4_splat(127)), 23);
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, s1), s2);
  y = wasm_v128_bitselect(F(__builtin_inff()), y, wasm_f32x4_gt(x, hi));
  return wasm_v128_bitselect(F(0.0f), y, wasm_f32x4_lt(x, lo));
}

// tanh: Cephes' odd polynomial for |x| < 0.625, else sign(x)·(1 - 2/(e^{2|x|} + 1)).
INLINE V tanh_f32x4(V x) {
  V ax = wasm_f32x4_abs(x);
  V z = wasm_f32x4_mul(x, x);
  V p = F(-5.70498872745E-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F(2.06390887954E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F(-5.37397155531E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F(1.33314422036E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F(-3.33332819422E-1f));
  V small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), x), x);
  V e = exp_f32x4(wasm_f32x4_add(ax, ax));
  V large = wasm_f32x4_sub(F(1.0f), wasm_f32x4_div(F(2.0f), wasm_f32x4_add(e, F(1.0f))));
  large = wasm_v128_or(large, wasm_v128_and(x, F(-0.0f)));  // copy the sign of x
  return wasm_v128_bitselect(small, large, wasm_f32x4_lt(ax, F(0.625f)));
}

// sigmoid: with e = e^{-|x|} (never overflows), 1/(1+e) for x ≥ 0 and e/(1+e) otherwise.
INLINE V sigmoid_f32x4(V x) {
  V e = exp_f32x4(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  V d = wasm_f32x4_add(F(1.0f), e);
  V pos = wasm_f32x4_div(F(1.0f), d), neg = wasm_f32x4_div(e, d);
  return wasm_v128_bitselect(pos, neg, wasm_f32x4_ge(x, F(0.0f)));
}

#endif
