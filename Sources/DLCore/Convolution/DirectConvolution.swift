import CDirectConvolution

/// Stride-1 correlations computed straight from zero-padded images, without a column matrix: the
/// kernels behind `Conv2D`'s direct algorithm, for the small-channel layers (LeNet's, a CNN's
/// first) where im2col's column matrix costs more memory traffic than the products themselves.
///
/// An image is seen as flat planes whose rows are `rowPitch` floats apart, so output position
/// q = r·rowPitch + x is row r, column x, and each weight tap (c, u, v) shifts the input by
/// u·rowPitch + v. The columns x past the output's width are computed too and ignored by the
/// caller; in exchange every image is one contiguous run of vectors:
///
///     forward   y[o, q]    = b[o] + Σ_{c,u,v} W[o, c, u, v] · x[c, q + u·rowPitch + v]
///     weights   ∂W[o, c, u, v] += Σ_{n,q} g[n, o, q] · x[n, c, q + u·rowPitch + v]
///
/// The input gradient is the forward correlation of the output gradient padded by (kh − 1, kw − 1)
/// with the flipped, transposed weights W'[c, o, u, v] = W[o, c, kh − 1 − u, kw − 1 − v].
/// A small C kernel (`CDirectConvolution`) runs each with AVX-512 or AVX2 vectors, chosen at run
/// time, or with portable loops.
public enum DirectConvolution {
    /// A code path of the kernels.
    public enum Path: String, CaseIterable, Sendable {
        /// Portable C loops.
        case scalar
        /// 8-float vectors with FMA.
        case avx2
        /// 16-float vectors.
        case avx512 = "avx-512"

        var cValue: DLDirectConvolutionPath {
            switch self {
            case .scalar: DL_DIRECT_CONVOLUTION_SCALAR
            case .avx2: DL_DIRECT_CONVOLUTION_AVX2
            case .avx512: DL_DIRECT_CONVOLUTION_AVX512
            }
        }

        /// Whether this machine's CPU and operating system run the path.
        public var isSupported: Bool { dl_direct_convolution_supports(cValue) != 0 }
    }

    /// The paths this machine runs, scalar first.
    public static var supportedPaths: [Path] { Path.allCases.filter(\.isSupported) }

    /// The fastest path this machine runs, used by `Conv2D`.
    public static let bestPath: Path = supportedPaths.last ?? .scalar

    /// `output[o·outputPlane + q]` = b[o] + Σ_{c,u,v} W[o, c, u, v]·`input[c·inputPlane + q + u·rowPitch + v]`
    /// for o < `outputs`, q < `positions`; `weight` is [outputs, channels, kh, kw], `bias` [outputs] or nil.
    /// Every read must lie inside the planes: positions − 1 + (kh − 1)·rowPitch + kw − 1 < inputPlane.
    public static func correlate(
        path: Path = bestPath,
        input: UnsafePointer<Float>, inputPlane: Int, channels: Int, rowPitch: Int,
        weight: UnsafePointer<Float>, outputs: Int, kernel: (height: Int, width: Int),
        positions: Int, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, outputPlane: Int
    ) {
        precondition(
            positions > 0 && positions - 1 + (kernel.height - 1) * rowPitch + kernel.width - 1 < inputPlane,
            "DirectConvolution.correlate: \(positions) positions read past an input plane of \(inputPlane)")
        dl_direct_correlate(
            path.cValue, input, inputPlane, Int32(channels), Int32(rowPitch), weight, Int32(outputs),
            Int32(kernel.height), Int32(kernel.width), Int32(positions), bias, output, outputPlane)
    }

    /// ∂W[o, c, u, v] += Σ_{n<images, q<positions} `gradient[n·gradientImage + o·gradientPlane + q]` ·
    /// `input[n·inputImage + c·inputPlane + q + u·rowPitch + v]`, into `weightGradient` [outputs, channels, kh, kw].
    /// Positions that are not outputs must hold zero in `gradient`; reads as in `correlate`.
    public static func accumulateWeightGradient(
        path: Path = bestPath, images: Int,
        input: UnsafePointer<Float>, inputImage: Int, inputPlane: Int, channels: Int, rowPitch: Int,
        gradient: UnsafePointer<Float>, gradientImage: Int, gradientPlane: Int, outputs: Int,
        kernel: (height: Int, width: Int), positions: Int, weightGradient: UnsafeMutablePointer<Float>
    ) {
        precondition(
            positions > 0 && positions - 1 + (kernel.height - 1) * rowPitch + kernel.width - 1 < inputPlane,
            "DirectConvolution.accumulateWeightGradient: \(positions) positions read past an input plane of \(inputPlane)")
        dl_direct_correlate_weight_gradient(
            path.cValue, Int32(images), input, inputImage, inputPlane, Int32(channels), Int32(rowPitch),
            gradient, gradientImage, gradientPlane, Int32(outputs), Int32(kernel.height), Int32(kernel.width),
            Int32(positions), weightGradient)
    }
}
