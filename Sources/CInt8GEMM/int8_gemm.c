#include "int8_gemm.h"

// Every path computes C = A·Bᵀ as dot products of rows of A with rows of B, both contiguous along
// K, four rows of B at a time so that each loaded piece of A serves four outputs.

static int32_t dot_scalar(const int8_t *a, const int8_t *b, int K) {
    int32_t sum = 0;
    for (int k = 0; k < K; k++) sum += (int32_t)a[k] * (int32_t)b[k];
    return sum;
}

static void gemm_scalar(int M, int N, int K, const int8_t *A, int lda, const int8_t *B, int ldb, int32_t *C, int ldc) {
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++)
            C[(long)m * ldc + n] = dot_scalar(A + (long)m * lda, B + (long)n * ldb, K);
}

#if defined(__x86_64__)
#include <immintrin.h>

/// The sum of the eight int32 lanes of v.
__attribute__((target("avx2")))
static int32_t sum_lanes_avx2(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

/// 16 int8 at p sign-extended to 16 int16.
__attribute__((target("avx2")))
static __m256i load16_avx2(const int8_t *p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
}

__attribute__((target("avx2")))
static void gemm_avx2(int M, int N, int K, const int8_t *A, int lda, const int8_t *B, int ldb, int32_t *C, int ldc) {
    const int vectorK = K - K % 16;
    for (int m = 0; m < M; m++) {
        const int8_t *a = A + (long)m * lda;
        int32_t *c = C + (long)m * ldc;
        int n = 0;
        for (; n + 4 <= N; n += 4) {
            const int8_t *b0 = B + (long)n * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
            __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
            for (int k = 0; k < vectorK; k += 16) {
                __m256i x = load16_avx2(a + k);
                s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(x, load16_avx2(b0 + k)));
                s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(x, load16_avx2(b1 + k)));
                s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(x, load16_avx2(b2 + k)));
                s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(x, load16_avx2(b3 + k)));
            }
            int rest = K - vectorK;
            c[n] = sum_lanes_avx2(s0) + dot_scalar(a + vectorK, b0 + vectorK, rest);
            c[n + 1] = sum_lanes_avx2(s1) + dot_scalar(a + vectorK, b1 + vectorK, rest);
            c[n + 2] = sum_lanes_avx2(s2) + dot_scalar(a + vectorK, b2 + vectorK, rest);
            c[n + 3] = sum_lanes_avx2(s3) + dot_scalar(a + vectorK, b3 + vectorK, rest);
        }
        for (; n < N; n++) {
            const int8_t *b = B + (long)n * ldb;
            __m256i s = _mm256_setzero_si256();
            for (int k = 0; k < vectorK; k += 16) s = _mm256_add_epi32(s, _mm256_madd_epi16(load16_avx2(a + k), load16_avx2(b + k)));
            c[n] = sum_lanes_avx2(s) + dot_scalar(a + vectorK, b + vectorK, K - vectorK);
        }
    }
}

#define AVX512_VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni")))

/// 32 int8 at p sign-extended to 32 int16.
AVX512_VNNI_TARGET
static __m512i load32_avx512(const int8_t *p) {
    return _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)p));
}

AVX512_VNNI_TARGET
static void gemm_avx512_vnni(int M, int N, int K, const int8_t *A, int lda, const int8_t *B, int ldb, int32_t *C, int ldc) {
    const int vectorK = K - K % 32;
    for (int m = 0; m < M; m++) {
        const int8_t *a = A + (long)m * lda;
        int32_t *c = C + (long)m * ldc;
        int n = 0;
        for (; n + 4 <= N; n += 4) {
            const int8_t *b0 = B + (long)n * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
            __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
            for (int k = 0; k < vectorK; k += 32) {
                __m512i x = load32_avx512(a + k);
                s0 = _mm512_dpwssd_epi32(s0, x, load32_avx512(b0 + k));
                s1 = _mm512_dpwssd_epi32(s1, x, load32_avx512(b1 + k));
                s2 = _mm512_dpwssd_epi32(s2, x, load32_avx512(b2 + k));
                s3 = _mm512_dpwssd_epi32(s3, x, load32_avx512(b3 + k));
            }
            int rest = K - vectorK;
            c[n] = _mm512_reduce_add_epi32(s0) + dot_scalar(a + vectorK, b0 + vectorK, rest);
            c[n + 1] = _mm512_reduce_add_epi32(s1) + dot_scalar(a + vectorK, b1 + vectorK, rest);
            c[n + 2] = _mm512_reduce_add_epi32(s2) + dot_scalar(a + vectorK, b2 + vectorK, rest);
            c[n + 3] = _mm512_reduce_add_epi32(s3) + dot_scalar(a + vectorK, b3 + vectorK, rest);
        }
        for (; n < N; n++) {
            const int8_t *b = B + (long)n * ldb;
            __m512i s = _mm512_setzero_si512();
            for (int k = 0; k < vectorK; k += 32) s = _mm512_dpwssd_epi32(s, load32_avx512(a + k), load32_avx512(b + k));
            c[n] = _mm512_reduce_add_epi32(s) + dot_scalar(a + vectorK, b + vectorK, K - vectorK);
        }
    }
}
#endif

int dl_int8_gemm_supports(DLInt8GEMMPath path) {
    switch (path) {
    case DL_INT8_GEMM_SCALAR: return 1;
#if defined(__x86_64__)
    case DL_INT8_GEMM_AVX2: return __builtin_cpu_supports("avx2") ? 1 : 0;
    case DL_INT8_GEMM_AVX512_VNNI:
        return (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni")) ? 1 : 0;
#endif
    default: return 0;
    }
}

DLInt8GEMMPath dl_int8_gemm_best_path(void) {
    if (dl_int8_gemm_supports(DL_INT8_GEMM_AVX512_VNNI)) return DL_INT8_GEMM_AVX512_VNNI;
    if (dl_int8_gemm_supports(DL_INT8_GEMM_AVX2)) return DL_INT8_GEMM_AVX2;
    return DL_INT8_GEMM_SCALAR;
}

void dl_int8_gemm(DLInt8GEMMPath path, int M, int N, int K,
                  const int8_t *A, int lda, const int8_t *B, int ldb, int32_t *C, int ldc) {
    if (!dl_int8_gemm_supports(path)) path = DL_INT8_GEMM_SCALAR;
    switch (path) {
#if defined(__x86_64__)
    case DL_INT8_GEMM_AVX512_VNNI: gemm_avx512_vnni(M, N, K, A, lda, B, ldb, C, ldc); return;
    case DL_INT8_GEMM_AVX2: gemm_avx2(M, N, K, A, lda, B, ldb, C, ldc); return;
#endif
    default: gemm_scalar(M, N, K, A, lda, B, ldb, C, ldc); return;
    }
}
