#include "int8_gemm.h"

// Every path computes C = A·Bᵀ as dot products of rows of A with rows of B, both contiguous along
// K, four rows of B at a time so that each loaded piece of A serves four outputs. The vector
// paths are one loop nest (DEFINE_GEMM) instantiated per instruction set.

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

#define AVX2_TARGET __attribute__((target("avx2")))

/// The sum of the eight int32 lanes of v.
AVX2_TARGET
static int32_t sum_lanes_avx2(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

/// 16 int8 at p sign-extended to 16 int16.
AVX2_TARGET
static __m256i load16_avx2(const int8_t *p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
}

/// Defines `name`, the dot-product GEMM of one vector extension: `TYPE` holds `WIDTH` int16
/// lanes, `LOAD(p)` sign-extends `WIDTH` int8 at p, `ACCUMULATE(s, x, y)` adds the pairwise
/// products of x and y into the int32 lanes of s, `SUM(s)` adds the lanes. Rows of B go four at a
/// time, the K remainder through the scalar loop.
#define DEFINE_GEMM(name, TARGET, TYPE, WIDTH, ZERO, LOAD, ACCUMULATE, SUM)                                        \
    TARGET static void name(int M, int N, int K, const int8_t *A, int lda, const int8_t *B, int ldb, int32_t *C, int ldc) { \
        const int vectorK = K - K % WIDTH, rest = K - vectorK;                                                   \
        for (int m = 0; m < M; m++) {                                                                            \
            const int8_t *a = A + (long)m * lda;                                                                 \
            int32_t *c = C + (long)m * ldc;                                                                      \
            int n = 0;                                                                                           \
            for (; n + 4 <= N; n += 4) {                                                                         \
                const int8_t *b0 = B + (long)n * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;            \
                TYPE s0 = ZERO, s1 = ZERO, s2 = ZERO, s3 = ZERO;                                                 \
                for (int k = 0; k < vectorK; k += WIDTH) {                                                       \
                    TYPE x = LOAD(a + k);                                                                        \
                    s0 = ACCUMULATE(s0, x, LOAD(b0 + k));                                                        \
                    s1 = ACCUMULATE(s1, x, LOAD(b1 + k));                                                        \
                    s2 = ACCUMULATE(s2, x, LOAD(b2 + k));                                                        \
                    s3 = ACCUMULATE(s3, x, LOAD(b3 + k));                                                        \
                }                                                                                                \
                c[n] = SUM(s0) + dot_scalar(a + vectorK, b0 + vectorK, rest);                                    \
                c[n + 1] = SUM(s1) + dot_scalar(a + vectorK, b1 + vectorK, rest);                                \
                c[n + 2] = SUM(s2) + dot_scalar(a + vectorK, b2 + vectorK, rest);                                \
                c[n + 3] = SUM(s3) + dot_scalar(a + vectorK, b3 + vectorK, rest);                                \
            }                                                                                                    \
            for (; n < N; n++) {                                                                                 \
                const int8_t *b = B + (long)n * ldb;                                                             \
                TYPE s = ZERO;                                                                                   \
                for (int k = 0; k < vectorK; k += WIDTH) s = ACCUMULATE(s, LOAD(a + k), LOAD(b + k));            \
                c[n] = SUM(s) + dot_scalar(a + vectorK, b + vectorK, rest);                                      \
            }                                                                                                    \
        }                                                                                                        \
    }

/// s + (pairwise products of x and y summed into int32), AVX2.
AVX2_TARGET static __m256i accumulate_avx2(__m256i s, __m256i x, __m256i y) { return _mm256_add_epi32(s, _mm256_madd_epi16(x, y)); }

DEFINE_GEMM(gemm_avx2, AVX2_TARGET, __m256i, 16, _mm256_setzero_si256(), load16_avx2, accumulate_avx2, sum_lanes_avx2)

#define AVX512_VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni")))

/// 32 int8 at p sign-extended to 32 int16.
AVX512_VNNI_TARGET
static __m512i load32_avx512(const int8_t *p) {
    return _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)p));
}

DEFINE_GEMM(gemm_avx512_vnni, AVX512_VNNI_TARGET, __m512i, 32, _mm512_setzero_si512(), load32_avx512, _mm512_dpwssd_epi32, _mm512_reduce_add_epi32)
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
