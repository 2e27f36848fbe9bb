// Shared definitions of the WebAssembly kernels: 128-bit SIMD, no libc, no static data.
// Pointers and sizes are 32-bit; every buffer is allocated by the JavaScript side.
#ifndef TORCHLET_COMMON_H
#define TORCHLET_COMMON_H

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define INLINE static inline __attribute__((always_inline))

typedef v128_t V;

INLINE int32_t atomic_load(int32_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
INLINE int32_t atomic_fetch_add(int32_t *p, int32_t v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }

#endif
