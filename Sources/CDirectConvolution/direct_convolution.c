#include "direct_convolution.h"

#include <string.h>

// Both kernels see an image as flat planes whose rows are `row_pitch` apart, so that a stride-1
// correlation is, per weight tap (c, u, v), one shift of a contiguous run of positions: the loops
// along q vectorize without a tail per row. Each vector path keeps a block of outputs × vectors
// in registers while the taps stream past (DEFINE_PATH instantiates it per instruction set); the
// positions left over after the last full vector go through scalar loops.

static float tap(const float *weight, int channels, int kh, int kw, int o, int c, int u, int v) {
    return weight[(((long)o * channels + c) * kh + u) * kw + v];
}

static void correlate_scalar(const float *input, long input_plane, int channels, int row_pitch,
                             const float *weight, int outputs, int kh, int kw,
                             int positions, const float *bias, float *output, long output_plane) {
    for (int o = 0; o < outputs; o++) {
        float *out = output + o * output_plane;
        const float b = bias ? bias[o] : 0.0f;
        for (int q = 0; q < positions; q++) out[q] = b;
        for (int c = 0; c < channels; c++)
            for (int u = 0; u < kh; u++)
                for (int v = 0; v < kw; v++) {
                    const float w = tap(weight, channels, kh, kw, o, c, u, v);
                    const float *in = input + c * input_plane + (long)u * row_pitch + v;
                    for (int q = 0; q < positions; q++) out[q] += w * in[q];
                }
    }
}

static void weight_gradient_scalar(int images, const float *input, long input_image, long input_plane, int channels,
                                   int row_pitch, const float *gradient, long gradient_image, long gradient_plane,
                                   int outputs, int kh, int kw, int positions, float *weight_gradient) {
    for (int o = 0; o < outputs; o++)
        for (int c = 0; c < channels; c++)
            for (int u = 0; u < kh; u++)
                for (int v = 0; v < kw; v++) {
                    float sum = 0.0f;
                    for (int n = 0; n < images; n++) {
                        const float *g = gradient + n * gradient_image + o * gradient_plane;
                        const float *in = input + n * input_image + c * input_plane + (long)u * row_pitch + v;
                        for (int q = 0; q < positions; q++) sum += g[q] * in[q];
                    }
                    weight_gradient[(((long)o * channels + c) * kh + u) * kw + v] += sum;
                }
}

#if defined(__x86_64__)

/// The floats of output gradient a weight-gradient block reads per pass over a group of images: 256 KB.
#define GRADIENT_GROUP_FLOATS 65536

/// The gradient block of the last `count` taps of a row (inside weight_gradient_outputs_SUFFIX).
#define GRADIENT_REST_BLOCK(SUFFIX, count)                                                                            \
    weight_gradient_block_##SUFFIX(images, row + v, input_image, gradient, gradient_image, gradient_plane, positions, \
                                   taps + v, weight_stride, block_outputs, count)

/// Defines correlate_SUFFIX and weight_gradient_SUFFIX for vectors of VL floats under TARGET.
/// The forward block holds FORWARD_OUTPUTS outputs × FORWARD_VECTORS vectors of positions; the
/// gradient block GRADIENT_OUTPUTS outputs × GRADIENT_TAPS consecutive taps v of one (c, u), or
/// for kernels at most 3 wide NARROW_KERNEL_OUTPUTS outputs × 3 taps (fewer loads per product).
#define DEFINE_PATH(SUFFIX, TARGET, VL, FORWARD_OUTPUTS, FORWARD_VECTORS, GRADIENT_OUTPUTS, GRADIENT_TAPS,           \
                    NARROW_KERNEL_OUTPUTS)                                                                            \
    typedef float vector_##SUFFIX __attribute__((ext_vector_type(VL)));                                               \
                                                                                                                      \
    TARGET static inline __attribute__((always_inline)) vector_##SUFFIX load_##SUFFIX(const float *p) {                \
        vector_##SUFFIX x;                                                                                            \
        memcpy(&x, p, sizeof x);                                                                                      \
        return x;                                                                                                     \
    }                                                                                                                 \
                                                                                                                      \
    /* From offset r: VL − r zeros, then r ones (the top r lanes). */                                                \
    static const float lane_mask_##SUFFIX[2 * VL] = {[VL] = 1, [VL + 1 ... 2 * VL - 1] = 1};                          \
                                                                                                                      \
    TARGET static inline __attribute__((always_inline)) float sum_##SUFFIX(vector_##SUFFIX x) {                        \
        float lanes[VL];                                                                                              \
        memcpy(lanes, &x, sizeof x);                                                                                  \
        float sum = 0.0f;                                                                                             \
        for (int i = 0; i < VL; i++) sum += lanes[i];                                                                 \
        return sum;                                                                                                   \
    }                                                                                                                 \
                                                                                                                      \
    /* output[b][q + i·VL ...] for b < block_outputs, i < vectors, every tap accumulated in registers. */             \
    TARGET static inline __attribute__((always_inline)) void correlate_block_##SUFFIX(                                 \
        const float *input, long input_plane, int channels, int row_pitch, const float *weight, long weight_stride,   \
        int kh, int kw, int q, const float *bias, float *output, long output_plane, const int block_outputs,          \
        const int vectors) {                                                                                          \
        vector_##SUFFIX acc[FORWARD_OUTPUTS][FORWARD_VECTORS];                                                        \
        for (int b = 0; b < block_outputs; b++)                                                                       \
            for (int i = 0; i < vectors; i++) acc[b][i] = (vector_##SUFFIX)(bias ? bias[b] : 0.0f);                   \
        for (int c = 0; c < channels; c++)                                                                            \
            for (int u = 0; u < kh; u++) {                                                                            \
                const float *row = input + c * input_plane + (long)u * row_pitch + q;                                 \
                const float *taps = weight + ((long)c * kh + u) * kw;                                                 \
                for (int v = 0; v < kw; v++) {                                                                        \
                    vector_##SUFFIX x[FORWARD_VECTORS];                                                               \
                    for (int i = 0; i < vectors; i++) x[i] = load_##SUFFIX(row + v + i * VL);                         \
                    for (int b = 0; b < block_outputs; b++) {                                                         \
                        const vector_##SUFFIX w = (vector_##SUFFIX)(taps[b * weight_stride + v]);                     \
                        for (int i = 0; i < vectors; i++) acc[b][i] += w * x[i];                                      \
                    }                                                                                                 \
                }                                                                                                     \
            }                                                                                                         \
        for (int b = 0; b < block_outputs; b++)                                                                       \
            for (int i = 0; i < vectors; i++) memcpy(output + b * output_plane + q + i * VL, &acc[b][i], sizeof acc[b][i]); \
    }                                                                                                                 \
                                                                                                                      \
    /* All positions of block_outputs outputs: full blocks, single vectors, then the scalar rest. */                  \
    TARGET static inline __attribute__((always_inline)) void correlate_outputs_##SUFFIX(                               \
        const float *input, long input_plane, int channels, int row_pitch, const float *weight, int kh, int kw,       \
        int positions, const float *bias, float *output, long output_plane, const int block_outputs) {                \
        const long weight_stride = (long)channels * kh * kw;                                                          \
        int q = 0;                                                                                                    \
        for (; q + FORWARD_VECTORS * VL <= positions; q += FORWARD_VECTORS * VL)                                      \
            correlate_block_##SUFFIX(input, input_plane, channels, row_pitch, weight, weight_stride, kh, kw, q, bias,  \
                                     output, output_plane, block_outputs, FORWARD_VECTORS);                           \
        for (; q + VL <= positions; q += VL)                                                                          \
            correlate_block_##SUFFIX(input, input_plane, channels, row_pitch, weight, weight_stride, kh, kw, q, bias,  \
                                     output, output_plane, block_outputs, 1);                                         \
        if (q == positions) return;                                                                                   \
        if (positions >= VL) { /* one more vector ending at the last position; the overlap is recomputed alike */     \
            correlate_block_##SUFFIX(input, input_plane, channels, row_pitch, weight, weight_stride, kh, kw,          \
                                     positions - VL, bias, output, output_plane, block_outputs, 1);                   \
            return;                                                                                                   \
        }                                                                                                             \
        for (int b = 0; b < block_outputs; b++) {                                                                     \
            float *out = output + b * output_plane;                                                                   \
            for (int p = q; p < positions; p++) out[p] = bias ? bias[b] : 0.0f;                                       \
            for (int c = 0; c < channels; c++)                                                                        \
                for (int u = 0; u < kh; u++)                                                                          \
                    for (int v = 0; v < kw; v++) {                                                                    \
                        const float w = weight[b * weight_stride + ((long)c * kh + u) * kw + v];                      \
                        const float *in = input + c * input_plane + (long)u * row_pitch + v;                          \
                        for (int p = q; p < positions; p++) out[p] += w * in[p];                                      \
                    }                                                                                                 \
        }                                                                                                             \
    }                                                                                                                 \
                                                                                                                      \
    TARGET static void correlate_##SUFFIX(const float *input, long input_plane, int channels, int row_pitch,          \
                                          const float *weight, int outputs, int kh, int kw, int positions,            \
                                          const float *bias, float *output, long output_plane) {                      \
        const long weight_stride = (long)channels * kh * kw;                                                          \
        int o = 0;                                                                                                    \
        for (; o + FORWARD_OUTPUTS <= outputs; o += FORWARD_OUTPUTS)                                                  \
            correlate_outputs_##SUFFIX(input, input_plane, channels, row_pitch, weight + o * weight_stride, kh, kw,   \
                                       positions, bias ? bias + o : 0, output + o * output_plane, output_plane,       \
                                       FORWARD_OUTPUTS);                                                              \
        for (; o + 4 <= outputs; o += 4)                                                                              \
            correlate_outputs_##SUFFIX(input, input_plane, channels, row_pitch, weight + o * weight_stride, kh, kw,   \
                                       positions, bias ? bias + o : 0, output + o * output_plane, output_plane, 4);   \
        for (; o + 2 <= outputs; o += 2)                                                                              \
            correlate_outputs_##SUFFIX(input, input_plane, channels, row_pitch, weight + o * weight_stride, kh, kw,   \
                                       positions, bias ? bias + o : 0, output + o * output_plane, output_plane, 2);   \
        for (; o < outputs; o++)                                                                                      \
            correlate_outputs_##SUFFIX(input, input_plane, channels, row_pitch, weight + o * weight_stride, kh, kw,   \
                                       positions, bias ? bias + o : 0, output + o * output_plane, output_plane, 1);   \
    }                                                                                                                 \
                                                                                                                      \
    /* weight_gradient[b·weight_stride + j] += Σ_{n,q} gradient_b[q] · input[q + j] for j < taps: taps v0 + j of    \
       one (c, u), `input` pointing at that row and v0. */                                                           \
    TARGET static inline __attribute__((always_inline)) void weight_gradient_block_##SUFFIX(                           \
        int images, const float *input, long input_image, const float *gradient, long gradient_image,               \
        long gradient_plane, int positions, float *weight_gradient, long weight_stride, const int block_outputs,      \
        const int taps) {                                                                                             \
        vector_##SUFFIX acc[NARROW_KERNEL_OUTPUTS][GRADIENT_TAPS];                                                    \
        float rest[NARROW_KERNEL_OUTPUTS][GRADIENT_TAPS];                                                             \
        for (int b = 0; b < block_outputs; b++)                                                                       \
            for (int j = 0; j < taps; j++) {                                                                          \
                acc[b][j] = (vector_##SUFFIX)(0.0f);                                                                  \
                rest[b][j] = 0.0f;                                                                                    \
            }                                                                                                         \
        const int vector_end = positions - positions % VL;                                                            \
        /* The last positions % VL positions as the top lanes of a vector ending at the last position. */            \
        const int masked = positions >= VL && vector_end < positions;                                                 \
        const vector_##SUFFIX top_lanes = load_##SUFFIX(lane_mask_##SUFFIX + positions % VL);                         \
        for (int n = 0; n < images; n++) {                                                                            \
            const float *in = input + n * input_image;                                                                \
            const float *g = gradient + n * gradient_image;                                                           \
            for (int q = 0; q < vector_end; q += VL) {                                                                \
                vector_##SUFFIX x[GRADIENT_TAPS];                                                                     \
                for (int j = 0; j < taps; j++) x[j] = load_##SUFFIX(in + q + j);                                      \
                for (int b = 0; b < block_outputs; b++) {                                                             \
                    const vector_##SUFFIX gb = load_##SUFFIX(g + b * gradient_plane + q);                             \
                    for (int j = 0; j < taps; j++) acc[b][j] += gb * x[j];                                            \
                }                                                                                                     \
            }                                                                                                         \
            if (masked) {                                                                                             \
                const int q = positions - VL;                                                                         \
                vector_##SUFFIX x[GRADIENT_TAPS];                                                                     \
                for (int j = 0; j < taps; j++) x[j] = load_##SUFFIX(in + q + j);                                      \
                for (int b = 0; b < block_outputs; b++) {                                                             \
                    const vector_##SUFFIX gb = load_##SUFFIX(g + b * gradient_plane + q) * top_lanes;                 \
                    for (int j = 0; j < taps; j++) acc[b][j] += gb * x[j];                                            \
                }                                                                                                     \
                continue;                                                                                             \
            }                                                                                                         \
            for (int q = vector_end; q < positions; q++)                                                              \
                for (int b = 0; b < block_outputs; b++)                                                               \
                    for (int j = 0; j < taps; j++) rest[b][j] += g[b * gradient_plane + q] * in[q + j];               \
        }                                                                                                             \
        for (int b = 0; b < block_outputs; b++)                                                                       \
            for (int j = 0; j < taps; j++) weight_gradient[b * weight_stride + j] += sum_##SUFFIX(acc[b][j]) + rest[b][j]; \
    }                                                                                                                 \
                                                                                                                      \
    TARGET static inline __attribute__((always_inline)) void weight_gradient_outputs_##SUFFIX(                         \
        int images, const float *input, long input_image, long input_plane, int channels, int row_pitch,            \
        const float *gradient, long gradient_image, long gradient_plane, int kh, int kw, int positions,              \
        float *weight_gradient, const int block_outputs) {                                                            \
        const long weight_stride = (long)channels * kh * kw;                                                          \
        for (int c = 0; c < channels; c++)                                                                            \
            for (int u = 0; u < kh; u++) {                                                                            \
                const float *row = input + c * input_plane + (long)u * row_pitch;                                     \
                float *taps = weight_gradient + ((long)c * kh + u) * kw;                                              \
                int v = 0;                                                                                            \
                for (; v + GRADIENT_TAPS <= kw; v += GRADIENT_TAPS)                                                   \
                    weight_gradient_block_##SUFFIX(images, row + v, input_image, gradient, gradient_image,            \
                                                   gradient_plane, positions, taps + v, weight_stride, block_outputs, \
                                                   GRADIENT_TAPS);                                                    \
                switch (kw - v) { /* the rest of the row's taps in one block, its size a constant */              \
                case 4: GRADIENT_REST_BLOCK(SUFFIX, 4); break;                                                        \
                case 3: GRADIENT_REST_BLOCK(SUFFIX, 3); break;                                                        \
                case 2: GRADIENT_REST_BLOCK(SUFFIX, 2); break;                                                        \
                case 1: GRADIENT_REST_BLOCK(SUFFIX, 1); break;                                                        \
                default: break;                                                                                       \
                }                                                                                                     \
            }                                                                                                         \
    }                                                                                                                 \
                                                                                                                      \
    /* All outputs for `images` images. */                                                                           \
    TARGET static void weight_gradient_images_##SUFFIX(int images, const float *input, long input_image,              \
                                                       long input_plane, int channels, int row_pitch,                 \
                                                       const float *gradient, long gradient_image, long gradient_plane, \
                                                       int outputs, int kh, int kw, int positions,                    \
                                                       float *weight_gradient) {                                      \
        const long weight_stride = (long)channels * kh * kw;                                                          \
        int o = 0;                                                                                                    \
        if (kw <= 3)                                                                                                  \
            for (; o + NARROW_KERNEL_OUTPUTS <= outputs; o += NARROW_KERNEL_OUTPUTS)                                  \
                weight_gradient_outputs_##SUFFIX(images, input, input_image, input_plane, channels, row_pitch,        \
                                                 gradient + o * gradient_plane, gradient_image, gradient_plane, kh,   \
                                                 kw, positions, weight_gradient + o * weight_stride,                  \
                                                 NARROW_KERNEL_OUTPUTS);                                              \
        for (; o + GRADIENT_OUTPUTS <= outputs; o += GRADIENT_OUTPUTS)                                                \
            weight_gradient_outputs_##SUFFIX(images, input, input_image, input_plane, channels, row_pitch,            \
                                             gradient + o * gradient_plane, gradient_image, gradient_plane, kh, kw,   \
                                             positions, weight_gradient + o * weight_stride, GRADIENT_OUTPUTS);       \
        for (; o < outputs; o++)                                                                                      \
            weight_gradient_outputs_##SUFFIX(images, input, input_image, input_plane, channels, row_pitch,            \
                                             gradient + o * gradient_plane, gradient_image, gradient_plane, kh, kw,   \
                                             positions, weight_gradient + o * weight_stride, 1);                      \
    }                                                                                                                 \
                                                                                                                      \
    /* Images in groups whose gradient rows for one block of outputs stay in the L2 cache while every (c, u) of the  \
       block passes over them. */                                                                                     \
    TARGET static void weight_gradient_##SUFFIX(int images, const float *input, long input_image, long input_plane,   \
                                                int channels, int row_pitch, const float *gradient,                   \
                                                long gradient_image, long gradient_plane, int outputs, int kh, int kw, \
                                                int positions, float *weight_gradient) {                              \
        int group = GRADIENT_GROUP_FLOATS / (NARROW_KERNEL_OUTPUTS * (positions > 0 ? positions : 1));                \
        if (group < 1) group = 1;                                                                                     \
        for (int n = 0; n < images; n += group)                                                                       \
            weight_gradient_images_##SUFFIX(images - n < group ? images - n : group, input + n * input_image,         \
                                            input_image, input_plane, channels, row_pitch,                            \
                                            gradient + n * gradient_image, gradient_image, gradient_plane, outputs,   \
                                            kh, kw, positions, weight_gradient);                                      \
    }

DEFINE_PATH(avx2, __attribute__((target("avx2,fma"))), 8, 4, 2, 2, 4, 4)
DEFINE_PATH(avx512, __attribute__((target("avx512f"))), 16, 6, 4, 4, 5, 8)
#endif

int dl_direct_convolution_supports(DLDirectConvolutionPath path) {
    switch (path) {
    case DL_DIRECT_CONVOLUTION_SCALAR: return 1;
#if defined(__x86_64__)
    case DL_DIRECT_CONVOLUTION_AVX2: return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
    case DL_DIRECT_CONVOLUTION_AVX512: return __builtin_cpu_supports("avx512f") ? 1 : 0;
#endif
    default: return 0;
    }
}

DLDirectConvolutionPath dl_direct_convolution_best_path(void) {
    if (dl_direct_convolution_supports(DL_DIRECT_CONVOLUTION_AVX512)) return DL_DIRECT_CONVOLUTION_AVX512;
    if (dl_direct_convolution_supports(DL_DIRECT_CONVOLUTION_AVX2)) return DL_DIRECT_CONVOLUTION_AVX2;
    return DL_DIRECT_CONVOLUTION_SCALAR;
}

void dl_direct_correlate(DLDirectConvolutionPath path, const float *input, long input_plane, int channels, int row_pitch,
                         const float *weight, int outputs, int kh, int kw, int positions, const float *bias,
                         float *output, long output_plane) {
    if (!dl_direct_convolution_supports(path)) path = DL_DIRECT_CONVOLUTION_SCALAR;
    switch (path) {
#if defined(__x86_64__)
    case DL_DIRECT_CONVOLUTION_AVX512:
        correlate_avx512(input, input_plane, channels, row_pitch, weight, outputs, kh, kw, positions, bias, output, output_plane);
        return;
    case DL_DIRECT_CONVOLUTION_AVX2:
        correlate_avx2(input, input_plane, channels, row_pitch, weight, outputs, kh, kw, positions, bias, output, output_plane);
        return;
#endif
    default:
        correlate_scalar(input, input_plane, channels, row_pitch, weight, outputs, kh, kw, positions, bias, output, output_plane);
        return;
    }
}

void dl_direct_correlate_weight_gradient(DLDirectConvolutionPath path, int images, const float *input, long input_image,
                                         long input_plane, int channels, int row_pitch, const float *gradient,
                                         long gradient_image, long gradient_plane, int outputs, int kh, int kw,
                                         int positions, float *weight_gradient) {
    if (!dl_direct_convolution_supports(path)) path = DL_DIRECT_CONVOLUTION_SCALAR;
    switch (path) {
#if defined(__x86_64__)
    case DL_DIRECT_CONVOLUTION_AVX512:
        weight_gradient_avx512(images, input, input_image, input_plane, channels, row_pitch, gradient, gradient_image,
                               gradient_plane, outputs, kh, kw, positions, weight_gradient);
        return;
    case DL_DIRECT_CONVOLUTION_AVX2:
        weight_gradient_avx2(images, input, input_image, input_plane, channels, row_pitch, gradient, gradient_image,
                             gradient_plane, outputs, kh, kw, positions, weight_gradient);
        return;
#endif
    default:
        weight_gradient_scalar(images, input, input_image, input_plane, channels, row_pitch, gradient, gradient_image,
                               gradient_plane, outputs, kh, kw, positions, weight_gradient);
        return;
    }
}
