/// The sizes of a 2-D sliding-window operation (convolution or pooling) on one NCHW image:
/// kernel, stride, padding and dilation per axis, and the output extent they give.
///
/// Along each axis the output extent is ⌊(input + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1,
/// the same arithmetic as PyTorch. This is the only place in the library that computes it.
public struct ConvolutionGeometry: Equatable, Sendable {
    public var channels: Int
    public var inputHeight: Int, inputWidth: Int
    public var kernelHeight: Int, kernelWidth: Int
    public var strideHeight: Int, strideWidth: Int
    public var paddingHeight: Int, paddingWidth: Int
    public var dilationHeight: Int, dilationWidth: Int
    public let outputHeight: Int, outputWidth: Int

    /// The output extent along one axis; zero or negative when the window does not fit.
    public static func outputExtent(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int = 1) -> Int {
        let span = dilation * (kernel - 1) + 1
        let padded = input + 2 * padding
        return padded < span ? 0 : (padded - span) / stride + 1
    }

    /// Creates the geometry for `channels`×`height`×`width` images; stops with a message that starts
    /// with `operation` and names every size when the output would be empty or a size is not positive.
    /// `operation` is evaluated only then, so a layer can pass its description at no cost per call.
    public init(
        channels: Int, height: Int, width: Int,
        kernel: (height: Int, width: Int),
        stride: (height: Int, width: Int) = (1, 1),
        padding: (height: Int, width: Int) = (0, 0),
        dilation: (height: Int, width: Int) = (1, 1),
        operation: @autoclosure () -> String = "convolution"
    ) {
        require(
            kernel.height > 0 && kernel.width > 0 && stride.height > 0 && stride.width > 0
                && dilation.height > 0 && dilation.width > 0 && padding.height >= 0 && padding.width >= 0
                && channels > 0,
            "\(operation()): channels \(channels), kernel \(kernel), stride \(stride) and dilation \(dilation) must be positive, padding \(padding) non-negative"
        )
        self.channels = channels
        (inputHeight, inputWidth) = (height, width)
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        (paddingHeight, paddingWidth) = padding
        (dilationHeight, dilationWidth) = dilation
        outputHeight = Self.outputExtent(
            input: height, kernel: kernel.height, stride: stride.height, padding: padding.height, dilation: dilation.height)
        outputWidth = Self.outputExtent(
            input: width, kernel: kernel.width, stride: stride.width, padding: padding.width, dilation: dilation.width)
        require(
            outputHeight > 0 && outputWidth > 0,
            "\(operation()): input \(height)×\(width) with kernel \(kernel.height)×\(kernel.width), stride \(stride), padding \(padding), dilation \(dilation) gives an empty \(outputHeight)×\(outputWidth) output"
        )
    }

    /// Rows of the column matrix: one per (channel, kernel row, kernel column).
    @inlinable public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix per image: one per output position.
    @inlinable public var outputPlaneSize: Int { outputHeight * outputWidth }
    /// Elements of one input image.
    @inlinable public var inputImageSize: Int { channels * inputHeight * inputWidth }
}
