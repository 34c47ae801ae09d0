/// The window of a 2-D pooling layer (kernel, stride, padding per axis), shared by `MaxPool2D`
/// and `AvgPool2D`.
///
/// As in PyTorch, padding may be at most half the kernel, so every window overlaps the image, and
/// the output extent is rounded down (`ceil_mode = false`), from `ConvolutionGeometry`.
struct PoolingWindow {
    let kernelSize: (height: Int, width: Int)
    let stride: (height: Int, width: Int)
    let padding: (height: Int, width: Int)

    /// Stops with a message starting with `layerName` unless the sizes are valid.
    init(
        kernelSize: (height: Int, width: Int), stride: (height: Int, width: Int)?,
        padding: (height: Int, width: Int), layerName: String
    ) {
        let stride = stride ?? kernelSize
        require(
            kernelSize.height > 0 && kernelSize.width > 0 && stride.height > 0 && stride.width > 0,
            "\(layerName): kernel size \(kernelSize) and stride \(stride) must be positive")
        require(
            padding.height >= 0 && padding.width >= 0
                && 2 * padding.height <= kernelSize.height && 2 * padding.width <= kernelSize.width,
            "\(layerName): padding \(padding) must be non-negative and at most half the kernel size \(kernelSize)")
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    /// The description used in layer names: `2×2`, then `stride …` and `padding …` when they are not the defaults.
    var summary: String {
        func pair(_ p: (height: Int, width: Int)) -> String { p.height == p.width ? "\(p.height)" : "\(p.height)×\(p.width)" }
        var parts = ["\(kernelSize.height)×\(kernelSize.width)"]
        if stride != kernelSize { parts.append("stride \(pair(stride))") }
        if padding != (0, 0) { parts.append("padding \(pair(padding))") }
        return parts.joined(separator: ", ")
    }

    /// The geometry for an NCHW input; throws `<layerName>: input [..]: expected [N, C, H, W]` for other
    /// ranks, and a `ShapeError` naming the sizes when the image is smaller than the window.
    /// `layerName` is an autoclosure so that a forward pass need not build the name.
    func geometry(for inputShape: TensorShape, layerName: @autoclosure () -> String) throws(ShapeError) -> ConvolutionGeometry {
        guard inputShape.count == 4 else {
            throw ShapeError(layer: layerName(), problem: "input \(describe(inputShape)): expected [N, C, H, W]")
        }
        try ConvolutionGeometry.checkOutputNotEmpty(
            height: inputShape[2], width: inputShape[3], kernel: kernelSize, stride: stride, padding: padding,
            inputShape: inputShape, layer: layerName())
        return ConvolutionGeometry(
            channels: inputShape[1], height: inputShape[2], width: inputShape[3],
            kernel: kernelSize, stride: stride, padding: padding, operation: layerName())
    }
}

extension ConvolutionGeometry {
    /// The input rows under the window of output row `y`, clipped to the image (never empty for pooling).
    @inline(__always)
    func windowRows(ofOutputRow y: Int) -> Range<Int> {
        let start = y * strideHeight - paddingHeight
        return Swift.max(start, 0)..<Swift.min(start + kernelHeight, inputHeight)
    }

    /// The input columns under the window of output column `x`, clipped to the image.
    @inline(__always)
    func windowColumns(ofOutputColumn x: Int) -> Range<Int> {
        let start = x * strideWidth - paddingWidth
        return Swift.max(start, 0)..<Swift.min(start + kernelWidth, inputWidth)
    }
}

extension ConvolutionGeometry {
    /// Throws a `ShapeError` for `layer` when an image of `height`×`width` is smaller than the window
    /// (the output would be empty): the check `init` would stop the program on, made ahead.
    static func checkOutputNotEmpty(
        height: Int, width: Int, kernel: (height: Int, width: Int), stride: (height: Int, width: Int),
        padding: (height: Int, width: Int), dilation: (height: Int, width: Int) = (1, 1),
        inputShape: TensorShape, layer: @autoclosure () -> String
    ) throws(ShapeError) {
        let outputHeight = outputExtent(input: height, kernel: kernel.height, stride: stride.height, padding: padding.height, dilation: dilation.height)
        let outputWidth = outputExtent(input: width, kernel: kernel.width, stride: stride.width, padding: padding.width, dilation: dilation.width)
        guard height > 0, width > 0, outputHeight > 0, outputWidth > 0 else {
            throw ShapeError(
                layer: layer(),
                problem: "input \(describe(inputShape)): a \(height)×\(width) image is smaller than the "
                    + "\(kernel.height)×\(kernel.width) window (with padding \(padding.height)×\(padding.width)); the output would be empty")
        }
    }
}
