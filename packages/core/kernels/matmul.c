// Single-precision matrix multiply: C[b] = A[b] · B[b] for strided A (m×k) and B (k×n).
//
// Both operands are packed into panels: A into panels of MR rows (for each p, MR consecutive
// values), B into panels of NR columns (for each p, NR consecutive values), zero-padded at the
// edges. A 4×8 register tile (8 accumulators, 2 B vectors, 1 broadcast A value: 11 of the 16
// xmm registers V8 uses) is the fastest shape measured; wider tiles spill.
//
// Work is split into tasks that any thread may take (an atomic counter), first the packing,
// then tiles of C. Each element of C is summed in the same order whatever the split: over
// fixed k-blocks of `kc` (chosen from k alone), in float32, each block added to C in turn.
#include "common.h"

#define MR 4
#define NR 8
#ifndef KC_MAX
#define KC_MAX 256
#endif
#define PACK_A_PANELS 4
#ifndef TM
#define TM 64
#endif
#ifndef TN
#define TN 256
#endif
#define PACK_B_PANELS 4

typedef struct {
  int32_t a, a_bs, a_rs, a_cs;  // A: byte address of element (0,0,0), strides in elements
  int32_t b, b_bs, b_rs, b_cs;  // B: likewise
  int32_t c;                    // C: contiguous [batch][m][n]
  int32_t batch, m, n, k;
  int32_t pa, pb;               // packed A and B (see matmul_packed_size)
  int32_t flags;                // MM_B_PACKED: pb already holds B packed
  int32_t tm, tn;               // rows and columns of C per task (multiples of MR, NR)
  int32_t pack_next, pack_done, task_next;  // work counters, zero at the start
  int32_t bias, bias_stride;    // optional epilogue: C[i][j] += bias[j·bias_stride] (bias 0: none)
  int32_t relu;                 // epilogue: then C = max(C, 0) as relu (NaN kept)
} Job;

#define MM_B_PACKED 1

INLINE int32_t ceil_div(int32_t a, int32_t b) { return (a + b - 1) / b; }

// k-blocks: as few as KC_MAX allows, of equal size rounded up to a multiple of 4.
INLINE int32_t k_block(int32_t k) {
  int32_t blocks = ceil_div(k, KC_MAX);
  int32_t kc = ceil_div(k, blocks);
  return (kc + 3) & ~3;
}

// 4×4 transpose of rows r0..r3 into columns.
INLINE void transpose4(V *r0, V *r1, V *r2, V *r3) {
  V t0 = wasm_i32x4_shuffle(*r0, *r1, 0, 4, 1, 5);
  V t1 = wasm_i32x4_shuffle(*r0, *r1, 2, 6, 3, 7);
  V t2 = wasm_i32x4_shuffle(*r2, *r3, 0, 4, 1, 5);
  V t3 = wasm_i32x4_shuffle(*r2, *r3, 2, 6, 3, 7);
  *r0 = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
  *r1 = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
  *r2 = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
  *r3 = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}

// Packs rows i0..i0+MR of A (m×k, strides rs/cs) into dst[p*MR + r], zero-padding rows ≥ m.
static void pack_a_panel(float *dst, const float *a, int32_t rs, int32_t cs, int32_t m, int32_t k, int32_t i0) {
  int32_t rows = m - i0 < MR ? m - i0 : MR;
  if (rows == MR && rs == 1) {  // A transposed in memory: each p holds MR consecutive values
    const float *s = a + i0;
    for (int32_t p = 0; p < k; p++, s += cs) wasm_v128_store(dst + p * MR, wasm_v128_load(s));
    return;
  }
  if (rows == MR && cs == 1) {  // row-major A: transpose 4×4 blocks
    const float *s0 = a + i0 * rs, *s1 = s0 + rs, *s2 = s1 + rs, *s3 = s2 + rs;
    int32_t p = 0;
    for (; p + 4 <= k; p += 4) {
      V r0 = wasm_v128_load(s0 + p), r1 = wasm_v128_load(s1 + p), r2 = wasm_v128_load(s2 + p), r3 = wasm_v128_load(s3 + p);
      transpose4(&r0, &r1, &r2, &r3);
      float *d = dst + p * MR;
      wasm_v128_store(d, r0);
      wasm_v128_store(d + 4, r1);
      wasm_v128_store(d + 8, r2);
      wasm_v128_store(d + 12, r3);
    }
    for (; p < k; p++) {
      float *d = dst + p * MR;
      d[0] = s0[p]; d[1] = s1[p]; d[2] = s2[p]; d[3] = s3[p];
    }
    return;
  }
  for (int32_t p = 0; p < k; p++) {
    float *d = dst + p * MR;
    for (int32_t r = 0; r < MR; r++) d[r] = r < rows ? a[(i0 + r) * rs + p * cs] : 0.0f;
  }
}

// Packs columns j0..j0+NR of B (k×n, strides rs/cs) into dst[p*NR + c], zero-padding columns ≥ n.
static void pack_b_panel(float *dst, const float *b, int32_t rs, int32_t cs, int32_t n, int32_t k, int32_t j0) {
  int32_t cols = n - j0 < NR ? n - j0 : NR;
  if (cols == NR && cs == 1) {  // row-major B: each p holds NR consecutive values
    const float *s = b + j0;
    for (int32_t p = 0; p < k; p++, s += rs) {
      wasm_v128_store(dst + p * NR, wasm_v128_load(s));
      wasm_v128_store(dst + p * NR + 4, wasm_v128_load(s + 4));
    }
    return;
  }
  if (cols == NR && rs == 1) {  // B transposed in memory (x·Wᵀ): transpose 4×4 blocks
    const float *s[NR];
    for (int32_t c = 0; c < NR; c++) s[c] = b + (j0 + c) * cs;
    int32_t p = 0;
    for (; p + 4 <= k; p += 4) {
      for (int32_t h = 0; h < 2; h++) {
        V r0 = wasm_v128_load(s[4 * h] + p), r1 = wasm_v128_load(s[4 * h + 1] + p);
        V r2 = wasm_v128_load(s[4 * h + 2] + p), r3 = wasm_v128_load(s[4 * h + 3] + p);
        transpose4(&r0, &r1, &r2, &r3);
        float *d = dst + p * NR + 4 * h;
        wasm_v128_store(d, r0);
        wasm_v128_store(d + NR, r1);
        wasm_v128_store(d + 2 * NR, r2);
        wasm_v128_store(d + 3 * NR, r3);
      }
    }
    for (; p < k; p++)
      for (int32_t c = 0; c < NR; c++) dst[p * NR + c] = s[c][p];
    return;
  }
  for (int32_t p = 0; p < k; p++) {
    float *d = dst + p * NR;
    for (int32_t c = 0; c < NR; c++) d[c] = c < cols ? b[p * rs + (j0 + c) * cs] : 0.0f;
  }
}

// Stores the first `count` (1..4) lanes of x; with `add`, adds them to what is there.
INLINE void store_lanes(float *p, V x, int32_t count, int add) {
  if (count >= 4) {
    wasm_v128_store(p, add ? wasm_f32x4_add(wasm_v128_load(p), x) : x);
    return;
  }
  float v0 = wasm_f32x4_extract_lane(x, 0), v1 = wasm_f32x4_extract_lane(x, 1), v2 = wasm_f32x4_extract_lane(x, 2);
  if (add) {
    p[0] += v0;
    if (count > 1) p[1] += v1;
    if (count > 2) p[2] += v2;
  } else {
    p[0] = v0;
    if (count > 1) p[1] = v1;
    if (count > 2) p[2] = v2;
  }
}

INLINE void store_row(float *c, V lo, V hi, int32_t cols, int add) {
  store_lanes(c, lo, cols, add);
  if (cols > 4) store_lanes(c + 4, hi, cols - 4, add);
}

// C[0..rows, 0..cols] (+)= Σ_p a[p*MR + r] · b[p*NR + c] over kc steps; `add` accumulates into C.
static void micro_kernel(int32_t kc, const float *a, const float *b, float *c, int32_t ldc, int32_t rows, int32_t cols, int add) {
  V c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int32_t p = 0; p < kc; p++) {
    V b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    V a0 = wasm_v128_load32_splat(a);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a0, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a0, b1));
    V a1 = wasm_v128_load32_splat(a + 1);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a1, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a1, b1));
    V a2 = wasm_v128_load32_splat(a + 2);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a2, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a2, b1));
    V a3 = wasm_v128_load32_splat(a + 3);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a3, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a3, b1));
    a += MR;
    b += NR;
  }
  if (rows == MR && cols == NR) {
    if (add) {
      c00 = wasm_f32x4_add(wasm_v128_load(c), c00); c01 = wasm_f32x4_add(wasm_v128_load(c + 4), c01); c += ldc;
      c10 = wasm_f32x4_add(wasm_v128_load(c), c10); c11 = wasm_f32x4_add(wasm_v128_load(c + 4), c11); c += ldc;
      c20 = wasm_f32x4_add(wasm_v128_load(c), c20); c21 = wasm_f32x4_add(wasm_v128_load(c + 4), c21); c += ldc;
      c30 = wasm_f32x4_add(wasm_v128_load(c), c30); c31 = wasm_f32x4_add(wasm_v128_load(c + 4), c31);
      c -= 3 * ldc;
    }
    wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01); c += ldc;
    wasm_v128_store(c, c10); wasm_v128_store(c + 4, c11); c += ldc;
    wasm_v128_store(c, c20); wasm_v128_store(c + 4, c21); c += ldc;
    wasm_v128_store(c, c30); wasm_v128_store(c + 4, c31);
    return;
  }
  store_row(c, c00, c01, cols, add);
  if (rows > 1) store_row(c + ldc, c10, c11, cols, add);
  if (rows > 2) store_row(c + 2 * ldc, c20, c21, cols, add);
  if (rows > 3) store_row(c + 3 * ldc, c30, c31, cols, add);
}

// The fused epilogue of a tile: + bias along columns, then relu. Each element is the finished
// sum, so the result equals a separate add and relu kernel bit for bit.
static void epilogue(const Job *j, float *c, int32_t ldc, int32_t i0, int32_t i1, int32_t j0, int32_t j1) {
  const float *bias = (const float *)j->bias;
  const int32_t bs = j->bias_stride;
  const V zero = wasm_f32x4_splat(0.0f);
  for (int32_t i = i0; i < i1; i++) {
    float *row = c + i * ldc;
    int32_t jj = j0;
    if (bias != 0 && bs == 1) {
      for (; jj + 4 <= j1; jj += 4) {
        V v = wasm_f32x4_add(wasm_v128_load(row + jj), wasm_v128_load(bias + jj));
        if (j->relu) v = wasm_v128_andnot(v, wasm_f32x4_lt(v, zero));
        wasm_v128_store(row + jj, v);
      }
    }
    for (; jj < j1; jj++) {
      float v = row[jj];
      if (bias != 0) v += bias[jj * bs];
      if (j->relu) v = v < 0.0f ? 0.0f : v;
      row[jj] = v;
    }
  }
}

/** Floats needed for packed A (`which` = 0) or packed B (`which` = 1) of a job's shapes. */
EXPORT("matmul_packed_size")
int32_t matmul_packed_size(int32_t which, int32_t batches, int32_t rows_or_cols, int32_t k) {
  int32_t tile = which == 0 ? MR : NR;
  return batches * ceil_div(rows_or_cols, tile) * tile * k;
}

/** Chooses task tiles so that there are at least 4 tasks per thread when the product allows. */
EXPORT("matmul_plan")
void matmul_plan(Job *j, int32_t threads) {
  int32_t mp = ceil_div(j->m, MR) * MR, np = ceil_div(j->n, NR) * NR;
  int32_t tm = mp < TM ? mp : TM, tn = np < TN ? np : TN;
  int32_t want = 4 * threads;
  while (j->batch * ceil_div(mp, tm) * ceil_div(np, tn) < want && tn > NR) tn = ((tn / 2) + NR - 1) / NR * NR;
  while (j->batch * ceil_div(mp, tm) * ceil_div(np, tn) < want && tm > MR) tm = ((tm / 2) + MR - 1) / MR * MR;
  j->tm = tm;
  j->tn = tn;
}

/** Runs a matmul job; every participating thread calls this with the same job. */
EXPORT("matmul_run")
void matmul_run(Job *j) {
  const int32_t m = j->m, n = j->n, k = j->k, batch = j->batch;
  const int32_t mpanels = ceil_div(m, MR), npanels = ceil_div(n, NR);
  const int32_t a_batches = j->a_bs == 0 ? 1 : batch, b_batches = j->b_bs == 0 ? 1 : batch;
  float *pa = (float *)j->pa, *pb = (float *)j->pb;
  const float *A = (const float *)j->a, *B = (const float *)j->b;

  // Phase 1: packing, in groups of panels.
  const int32_t a_groups = ceil_div(mpanels, PACK_A_PANELS), b_groups = ceil_div(npanels, PACK_B_PANELS);
  const int32_t b_tasks = (j->flags & MM_B_PACKED) ? 0 : b_batches * b_groups;
  const int32_t pack_tasks = b_tasks + a_batches * a_groups;
  for (int32_t t; (t = atomic_fetch_add(&j->pack_next, 1)) < pack_tasks;) {
    if (t < b_tasks) {
      int32_t bb = t / b_groups, g = t % b_groups;
      int32_t end = (g + 1) * PACK_B_PANELS < npanels ? (g + 1) * PACK_B_PANELS : npanels;
      for (int32_t q = g * PACK_B_PANELS; q < end; q++)
        pack_b_panel(pb + (bb * npanels + q) * NR * k, B + bb * j->b_bs, j->b_rs, j->b_cs, n, k, q * NR);
    } else {
      t -= b_tasks;
      int32_t ab = t / a_groups, g = t % a_groups;
      int32_t end = (g + 1) * PACK_A_PANELS < mpanels ? (g + 1) * PACK_A_PANELS : mpanels;
      for (int32_t q = g * PACK_A_PANELS; q < end; q++)
        pack_a_panel(pa + (ab * mpanels + q) * MR * k, A + ab * j->a_bs, j->a_rs, j->a_cs, m, k, q * MR);
    }
    atomic_fetch_add(&j->pack_done, 1);
  }
  while (atomic_load(&j->pack_done) < pack_tasks) {
  }

  // Phase 2: tiles of C.
  const int32_t tm = j->tm, tn = j->tn, kc = k_block(k);
  const int32_t row_tiles = ceil_div(m, tm), col_tiles = ceil_div(n, tn);
  const int32_t tasks = batch * row_tiles * col_tiles;
  for (int32_t t; (t = atomic_fetch_add(&j->task_next, 1)) < tasks;) {
    int32_t bi = t / (row_tiles * col_tiles), rest = t % (row_tiles * col_tiles);
    int32_t i0 = (rest / col_tiles) * tm, j0 = (rest % col_tiles) * tn;
    int32_t i1 = i0 + tm < m ? i0 + tm : m, j1 = j0 + tn < n ? j0 + tn : n;
    const float *pab = pa + (a_batches == 1 ? 0 : bi) * mpanels * MR * k;
    const float *pbb = pb + (b_batches == 1 ? 0 : bi) * npanels * NR * k;
    float *cb = (float *)j->c + bi * m * n;
    for (int32_t p0 = 0; p0 < k; p0 += kc) {
      int32_t len = k - p0 < kc ? k - p0 : kc;
      for (int32_t jj = j0; jj < j1; jj += NR) {
        const float *bp = pbb + jj * k + p0 * NR;
        int32_t cols = j1 - jj < NR ? j1 - jj : NR;
        for (int32_t ii = i0; ii < i1; ii += MR) {
          int32_t rows = i1 - ii < MR ? i1 - ii : MR;
          micro_kernel(len, pab + ii * k + p0 * MR, bp, cb + ii * n + jj, n, rows, cols, p0 > 0);
        }
      }
    }
    if (j->bias != 0 || j->relu) epilogue(j, cb, n, i0, i1, j0, j1);
  }
}
