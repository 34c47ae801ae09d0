#ifndef DL_DIRECT_CONVOLUTION_H
#define DL_DIRECT_CONVOLUTION_H

/// The code paths of the direct-convolution kernels.
typedef enum {
    /// Portable C loops; every machine.
    DL_DIRECT_CONVOLUTION_SCALAR = 0,
    /// 8-float AVX2 vectors with FMA.
    DL_DIRECT_CONVOLUTION_AVX2 = 1,
    /// 16-float AVX-512 vectors.
    DL_DIRECT_CONVOLUTION_AVX512 = 2,
} DLDirectConvolutionPath;

/// Whether this machine (CPU and operating system) can run `path`.
int dl_direct_convolution_supports(DLDirectConvolutionPath path);

/// The fastest path this machine runs.
DLDirectConvolutionPath dl_direct_convolution_best_path(void);

/// A stride-1 correlation of zero-padded planes, read as flat arrays:
///
///     output[o·output_plane + q] = bias[o] + Σ_{c,u,v} weight[((o·channels + c)·kh + u)·kw + v] · input[c·input_plane + q + u·row_pitch + v]
///
/// for o < outputs and q < positions (bias NULL: no bias term). With planes of `row_pitch` floats
/// per row, position q = r·row_pitch + x is output row r, column x; the columns x past the
/// output's width are computed too (and ignored by the caller), which makes every row of the
/// image one contiguous run of vectors. The caller makes every read lie inside its planes:
/// positions − 1 + (kh − 1)·row_pitch + kw − 1 < input_plane.
void dl_direct_correlate(DLDirectConvolutionPath path,
                         const float *input, long input_plane, int channels, int row_pitch,
                         const float *weight, int outputs, int kh, int kw,
                         int positions, const float *bias, float *output, long output_plane);

/// The weight gradient of `dl_direct_correlate`, summed over `images` images and added to
/// `weight_gradient` [outputs, channels, kh, kw]:
///
///     weight_gradient[((o·channels + c)·kh + u)·kw + v] += Σ_{n, q} gradient[n·gradient_image + o·gradient_plane + q] · input[n·input_image + c·input_plane + q + u·row_pitch + v]
///
/// for q < positions. Positions that are not outputs (columns past the output's width) must hold
/// zero in `gradient`. Reads stay inside the planes under the same condition as `dl_direct_correlate`.
void dl_direct_correlate_weight_gradient(DLDirectConvolutionPath path, int images,
                                         const float *input, long input_image, long input_plane, int channels, int row_pitch,
                                         const float *gradient, long gradient_image, long gradient_plane, int outputs,
                                         int kh, int kw, int positions, float *weight_gradient);

#endif
