#ifndef DL_INT8_GEMM_H
#define DL_INT8_GEMM_H

#include <stdint.h>

/// The code paths of `dl_int8_gemm`.
typedef enum {
    /// Portable C loops; every machine.
    DL_INT8_GEMM_SCALAR = 0,
    /// AVX2: int8 sign-extended to int16, pairs multiplied and added into int32 (vpmaddwd).
    DL_INT8_GEMM_AVX2 = 1,
    /// AVX-512 VNNI: int8 sign-extended to int16, pairs multiplied and accumulated into int32 in one instruction (vpdpwssd).
    DL_INT8_GEMM_AVX512_VNNI = 2,
} DLInt8GEMMPath;

/// Whether this machine (CPU and operating system) can run `path`.
int dl_int8_gemm_supports(DLInt8GEMMPath path);

/// The fastest path this machine runs.
DLInt8GEMMPath dl_int8_gemm_best_path(void);

/// C[m, n] = Σₖ A[m, k]·B[n, k] for m < M, n < N, k < K, accumulated exactly in int32 (C is
/// overwritten). A is M×K with row stride lda, B is N×K with row stride ldb (both rows run along
/// K, as a Dense weight [out, in] does), C is M×N with row stride ldc. Exact as long as
/// K·128² < 2³¹ (K < 131072). `path` must be supported (`dl_int8_gemm_supports`); an unsupported
/// path falls back to the scalar loops.
void dl_int8_gemm(DLInt8GEMMPath path, int M, int N, int K,
                  const int8_t *A, int lda, const int8_t *B, int ldb, int32_t *C, int ldc);

#endif
