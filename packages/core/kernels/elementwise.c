// Elementwise float32 kernels over row-major rows: out is contiguous rows×cols; each operand has
// a row stride and a column stride of 1 (walks the row) or 0 (one value broadcast along it).
// Results equal the JavaScript backend's exactly for + - × ÷ √ max min relu neg abs (IEEE
// float32 arithmetic), and within 2 ulp for exp, tanh and sigmoid.
#include "common.h"
#include "math.h"

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MAX, OP_MIN };

// maximum/minimum as the JavaScript backend: NaN in `a` wins, else `b` unless a > b (a < b).
INLINE V op_max(V a, V b) { return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_ne(a, a), wasm_f32x4_gt(a, b))); }
INLINE V op_min(V a, V b) { return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_ne(a, a), wasm_f32x4_lt(a, b))); }
INLINE float sop_max(float a, float b) { return a != a || a > b ? a : b; }
INLINE float sop_min(float a, float b) { return a != a || a < b ? a : b; }

#define ROW_LOOP(VEXPR, SEXPR)                                                        \
  do {                                                                                \
    int32_t i = 0;                                                                    \
    if (acs && bcs) {                                                                 \
      for (; i + 4 <= n; i += 4) {                                                    \
        V va = wasm_v128_load(a + i), vb = wasm_v128_load(b + i);                     \
        wasm_v128_store(o + i, VEXPR);                                                \
      }                                                                               \
      for (; i < n; i++) { float sa = a[i], sb = b[i]; o[i] = SEXPR; }               \
    } else if (acs) {                                                                 \
      float sb = b[0];                                                                \
      V vb = wasm_f32x4_splat(sb);                                                    \
      for (; i + 4 <= n; i += 4) {                                                    \
        V va = wasm_v128_load(a + i);                                                 \
        wasm_v128_store(o + i, VEXPR);                                                \
      }                                                                               \
      for (; i < n; i++) { float sa = a[i]; o[i] = SEXPR; }                          \
    } else if (bcs) {                                                                 \
      float sa = a[0];                                                                \
      V va = wasm_f32x4_splat(sa);                                                    \
      for (; i + 4 <= n; i += 4) {                                                    \
        V vb = wasm_v128_load(b + i);                                                 \
        wasm_v128_store(o + i, VEXPR);                                                \
      }                                                                               \
      for (; i < n; i++) { float sb = b[i]; o[i] = SEXPR; }                          \
    } else {                                                                          \
      float sa = a[0], sb = b[0];                                                     \
      float r = SEXPR;                                                                \
      for (; i < n; i++) o[i] = r;                                                    \
    }                                                                                 \
  } while (0)

static void binary_row(int32_t op, float *o, const float *a, int32_t acs, const float *b, int32_t bcs, int32_t n) {
  switch (op) {
    case OP_ADD: ROW_LOOP(wasm_f32x4_add(va, vb), sa + sb); break;
    case OP_SUB: ROW_LOOP(wasm_f32x4_sub(va, vb), sa - sb); break;
    case OP_MUL: ROW_LOOP(wasm_f32x4_mul(va, vb), sa * sb); break;
    case OP_DIV: ROW_LOOP(wasm_f32x4_div(va, vb), sa / sb); break;
    case OP_MAX: ROW_LOOP(op_max(va, vb), sop_max(sa, sb)); break;
    case OP_MIN: ROW_LOOP(op_min(va, vb), sop_min(sa, sb)); break;
  }
}

/** out[r][c] = a[r·ars + c·acs] op b[r·brs + c·bcs] for acs, bcs ∈ {0, 1}. */
EXPORT("binary_f32")
void binary_f32(int32_t op, float *out, const float *a, int32_t ars, int32_t acs, const float *b, int32_t brs, int32_t bcs,
                int32_t rows, int32_t cols) {
  for (int32_t r = 0; r < rows; r++) binary_row(op, out + r * cols, a + r * ars, acs, b + r * brs, bcs, cols);
}

enum { U_NEG, U_ABS, U_RELU, U_SQRT, U_SQUARE, U_RECIPROCAL, U_EXP, U_TANH, U_SIGMOID };

// The first n (1..3) lanes from p, zeros after; and the store of the first n lanes.
INLINE V load_partial(const float *p, int32_t n) { return wasm_f32x4_make(p[0], n > 1 ? p[1] : 0.0f, n > 2 ? p[2] : 0.0f, 0.0f); }
INLINE void store_partial(float *p, V v, int32_t n) {
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

#define UNARY_LOOP(VEXPR)                                                         \
  do {                                                                            \
    int32_t i = 0;                                                                \
    for (; i + 4 <= n; i += 4) {                                                  \
      V v = wasm_v128_load(x + i);                                                \
      wasm_v128_store(out + i, VEXPR);                                            \
    }                                                                             \
    if (i < n) { /* the tail through a zero-padded vector */                  \
      V v = load_partial(x + i, n - i);                                           \
      store_partial(out + i, VEXPR, n - i);                                       \
    }                                                                             \
  } while (0)

/** out[i] = op(x[i]) for i < n (contiguous). */
EXPORT("unary_f32")
void unary_f32(int32_t op, float *out, const float *x, int32_t n) {
  switch (op) {
    case U_NEG: UNARY_LOOP(wasm_f32x4_neg(v)); break;
    case U_ABS: UNARY_LOOP(wasm_f32x4_abs(v)); break;
    // NaN propagates: only lanes that compare < 0 become 0 (and -0 stays -0), as in JavaScript.
    case U_RELU: UNARY_LOOP(wasm_v128_andnot(v, wasm_f32x4_lt(v, F(0.0f)))); break;
    case U_SQRT: UNARY_LOOP(wasm_f32x4_sqrt(v)); break;
    case U_SQUARE: UNARY_LOOP(wasm_f32x4_mul(v, v)); break;
    case U_RECIPROCAL: UNARY_LOOP(wasm_f32x4_div(F(1.0f), v)); break;
    case U_EXP: UNARY_LOOP(exp_f32x4(v)); break;
    case U_TANH: UNARY_LOOP(tanh_f32x4(v)); break;
    case U_SIGMOID: UNARY_LOOP(sigmoid_f32x4(v)); break;
  }
}

enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

INLINE V cmp(int32_t op, V a, V b) {
  switch (op) {
    case CMP_EQ: return wasm_f32x4_eq(a, b);
    case CMP_NE: return wasm_f32x4_ne(a, b);
    case CMP_LT: return wasm_f32x4_lt(a, b);
    case CMP_LE: return wasm_f32x4_le(a, b);
    case CMP_GT: return wasm_f32x4_gt(a, b);
    default: return wasm_f32x4_ge(a, b);
  }
}

INLINE uint8_t scmp(int32_t op, float a, float b) {
  switch (op) {
    case CMP_EQ: return a == b;
    case CMP_NE: return a != b;
    case CMP_LT: return a < b;
    case CMP_LE: return a <= b;
    case CMP_GT: return a > b;
    default: return a >= b;
  }
}

// 16 comparisons of a[i..] and b[i..] (each advancing by its column stride) as 16 bytes of 0/1.
INLINE V cmp16(int32_t op, const float *a, int32_t acs, const float *b, int32_t bcs) {
  V m[4];
  for (int32_t q = 0; q < 4; q++) {
    V va = acs ? wasm_v128_load(a + 4 * q) : wasm_v128_load32_splat(a);
    V vb = bcs ? wasm_v128_load(b + 4 * q) : wasm_v128_load32_splat(b);
    m[q] = cmp(op, va, vb);
  }
  V lo = wasm_i16x8_narrow_i32x4(m[0], m[1]), hi = wasm_i16x8_narrow_i32x4(m[2], m[3]);
  return wasm_v128_and(wasm_i8x16_narrow_i16x8(lo, hi), wasm_i8x16_splat(1));
}

/** out[r][c] = a[r·ars + c·acs] cmp b[r·brs + c·bcs] ? 1 : 0 as bytes, for acs, bcs ∈ {0, 1}. */
EXPORT("compare_f32")
void compare_f32(int32_t op, uint8_t *out, const float *a, int32_t ars, int32_t acs, const float *b, int32_t brs, int32_t bcs,
                 int32_t rows, int32_t cols) {
  for (int32_t r = 0; r < rows; r++) {
    const float *ar = a + r * ars, *br = b + r * brs;
    uint8_t *o = out + r * cols;
    int32_t i = 0;
    for (; i + 16 <= cols; i += 16) wasm_v128_store(o + i, cmp16(op, ar + i * acs, acs, br + i * bcs, bcs));
    for (; i < cols; i++) o[i] = scmp(op, ar[i * acs], br[i * bcs]);
  }
}

/** out[r][c] = cond[…] != 0 ? a[…] : b[…] with byte conditions; every column stride ∈ {0, 1}. */
EXPORT("where_f32")
void where_f32(float *out, const uint8_t *cond, int32_t crs, int32_t ccs, const float *a, int32_t ars, int32_t acs,
               const float *b, int32_t brs, int32_t bcs, int32_t rows, int32_t cols) {
  for (int32_t r = 0; r < rows; r++) {
    const uint8_t *cr = cond + r * crs;
    const float *ar = a + r * ars, *br = b + r * brs;
    float *o = out + r * cols;
    int32_t i = 0;
    for (; i + 4 <= cols; i += 4) {
      V c = ccs ? wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(cr + i)))
                : wasm_i32x4_splat(cr[0]);
      V m = wasm_i32x4_ne(c, wasm_i32x4_splat(0));
      V va = acs ? wasm_v128_load(ar + i) : wasm_v128_load32_splat(ar);
      V vb = bcs ? wasm_v128_load(br + i) : wasm_v128_load32_splat(br);
      wasm_v128_store(o + i, wasm_v128_bitselect(va, vb, m));
    }
    for (; i < cols; i++) o[i] = cr[i * ccs] != 0 ? ar[i * acs] : br[i * bcs];
  }
}

/** Transposing copy: out[r][c] = x[c·ldx + r] for an rows×cols output (a cols×rows input). */
EXPORT("transpose_f32")
void transpose_f32(float *out, const float *x, int32_t rows, int32_t cols, int32_t ldx) {
  // 4×4 blocks through registers, in 32×32 tiles so both sides stay in cache
  for (int32_t r0 = 0; r0 < rows; r0 += 32) {
    for (int32_t c0 = 0; c0 < cols; c0 += 32) {
      int32_t r1 = r0 + 32 < rows ? r0 + 32 : rows, c1 = c0 + 32 < cols ? c0 + 32 : cols;
      int32_t r = r0;
      for (; r + 4 <= r1; r += 4) {
        int32_t c = c0;
        for (; c + 4 <= c1; c += 4) {
          const float *s = x + c * ldx + r;
          V v0 = wasm_v128_load(s), v1 = wasm_v128_load(s + ldx), v2 = wasm_v128_load(s + 2 * ldx), v3 = wasm_v128_load(s + 3 * ldx);
          V t0 = wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7);
          V t2 = wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7);
          float *d = out + r * cols + c;
          wasm_v128_store(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
          wasm_v128_store(d + cols, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
          wasm_v128_store(d + 2 * cols, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
          wasm_v128_store(d + 3 * cols, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
        }
        for (; c < c1; c++)
          for (int32_t q = 0; q < 4; q++) out[(r + q) * cols + c] = x[c * ldx + r + q];
      }
      for (; r < r1; r++)
        for (int32_t c = c0; c < c1; c++) out[r * cols + c] = x[c * ldx + r];
    }
  }
}

/** y[i] = (float)(y[i] + alpha·x[i]) computed in float64: one rounding, as a fused multiply-add. */
EXPORT("axpy_f32")
void axpy_f32(float *y, const float *x, double alpha, int32_t n) {
  V va = wasm_f64x2_splat(alpha);
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    V yv = wasm_v128_load(y + i), xv = wasm_v128_load(x + i);
    V yh = wasm_i32x4_shuffle(yv, yv, 2, 3, 2, 3), xh = wasm_i32x4_shuffle(xv, xv, 2, 3, 2, 3);
    V lo = wasm_f64x2_add(wasm_f64x2_promote_low_f32x4(yv), wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(xv), va));
    V hi = wasm_f64x2_add(wasm_f64x2_promote_low_f32x4(yh), wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(xh), va));
    wasm_v128_store(y + i, wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < n; i++) y[i] = (float)((double)y[i] + (double)x[i] * alpha);
}
