// Sums (accumulated in float64, as the JavaScript backend does) and softmax over rows.
#include "common.h"
#include "math.h"

// Natural logarithm, imported from JavaScript (Math.log): softmax needs one per row.
__attribute__((import_module("env"), import_name("log"))) double js_log(double);

typedef v128_t V;

INLINE V lo_f64(V v) { return wasm_f64x2_promote_low_f32x4(v); }
INLINE V hi_f64(V v) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3)); }

/** out[r] = Σ_c x[r·ldx + c] in float64. */
EXPORT("sum_rows_f32")
void sum_rows_f32(double *out, const float *x, int32_t rows, int32_t cols, int32_t ldx) {
  for (int32_t r = 0; r < rows; r++) {
    const float *row = x + r * ldx;
    V s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
    int32_t c = 0;
    for (; c + 8 <= cols; c += 8) {
      V a = wasm_v128_load(row + c), b = wasm_v128_load(row + c + 4);
      s0 = wasm_f64x2_add(s0, lo_f64(a));
      s1 = wasm_f64x2_add(s1, hi_f64(a));
      s2 = wasm_f64x2_add(s2, lo_f64(b));
      s3 = wasm_f64x2_add(s3, hi_f64(b));
    }
    V s = wasm_f64x2_add(wasm_f64x2_add(s0, s1), wasm_f64x2_add(s2, s3));
    double t = wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
    for (; c < cols; c++) t += row[c];
    out[r] = t;
  }
}

/** out[c] = Σ_r x[r·ldx + c] in float64 (out has cols entries). */
EXPORT("sum_cols_f32")
void sum_cols_f32(double *out, const float *x, int32_t rows, int32_t cols, int32_t ldx) {
  int32_t c = 0;
  for (; c + 4 <= cols; c += 4) {
    V s0 = wasm_f64x2_splat(0), s1 = s0;
    const float *p = x + c;
    for (int32_t r = 0; r < rows; r++, p += ldx) {
      V a = wasm_v128_load(p);
      s0 = wasm_f64x2_add(s0, lo_f64(a));
      s1 = wasm_f64x2_add(s1, hi_f64(a));
    }
    wasm_v128_store(out + c, s0);
    wasm_v128_store(out + c + 2, s1);
  }
  for (; c < cols; c++) {
    double t = 0;
    for (int32_t r = 0; r < rows; r++) t += x[r * ldx + c];
    out[c] = t;
  }
}

INLINE float hmax(V v) {
  float a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1);
  float c = wasm_f32x4_extract_lane(v, 2), d = wasm_f32x4_extract_lane(v, 3);
  // NaN wins, as in the JavaScript backend
  float m = a;
  if (b != b || b > m) m = m != m ? m : b;
  if (c != c || c > m) m = m != m ? m : c;
  if (d != d || d > m) m = m != m ? m : d;
  return m;
}

INLINE float hsum(V v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

/** Softmax (or log-softmax) of each of `rows` contiguous rows of `size` values. */
EXPORT("softmax_f32")
void softmax_f32(float *out, const float *x, int32_t rows, int32_t size, int32_t log) {
  for (int32_t r = 0; r < rows; r++) {
    const float *row = x + r * size;
    float *o = out + r * size;
    // the maximum; NaN propagates through f32x4.max
    V vm = wasm_f32x4_splat(-__builtin_inff());
    int32_t i = 0;
    for (; i + 4 <= size; i += 4) vm = wasm_f32x4_max(vm, wasm_v128_load(row + i));
    float max = hmax(vm);
    for (; i < size; i++) if (row[i] != row[i] || row[i] > max) max = max != max ? max : row[i];
    if (max == -__builtin_inff()) max = 0.0f;  // all -inf: keep exp finite, as the JavaScript backend
    V vmax = wasm_f32x4_splat(max);
    // Σ exp(x - max), storing the exponentials for the softmax pass
    V vs = wasm_f32x4_splat(0.0f);
    float tail = 0.0f;
    for (i = 0; i + 4 <= size; i += 4) {
      V e = exp_f32x4(wasm_f32x4_sub(wasm_v128_load(row + i), vmax));
      if (!log) wasm_v128_store(o + i, e);
      vs = wasm_f32x4_add(vs, e);
    }
    for (; i < size; i++) {
      float e = wasm_f32x4_extract_lane(exp_f32x4(wasm_f32x4_splat(row[i] - max)), 0);
      if (!log) o[i] = e;
      tail += e;
    }
    float sum = hsum(vs) + tail;
    if (log) {
      // (x - max) - log(sum), in that order as the JavaScript backend
      float lse = (float)js_log((double)sum);
      V vlse = wasm_f32x4_splat(lse);
      for (i = 0; i + 4 <= size; i += 4)
        wasm_v128_store(o + i, wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(row + i), vmax), vlse));
      for (; i < size; i++) o[i] = (row[i] - max) - lse;
    } else {
      V inv = wasm_f32x4_splat(sum);
      for (i = 0; i + 4 <= size; i += 4) wasm_v128_store(o + i, wasm_f32x4_div(wasm_v128_load(o + i), inv));
      for (; i < size; i++) o[i] = o[i] / sum;
    }
  }
}
