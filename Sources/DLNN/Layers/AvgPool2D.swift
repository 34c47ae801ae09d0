/// 2-D average pooling over NCHW images, with PyTorch's `nn.AvgPool2d` semantics.
///
/// y[n, c, i, j] = (1 / d) · Σ_{(u, v) in the window} x[n, c, u, v], where the padding holds zeros
/// and the divisor d is
/// - kh·kw when `countIncludePad` is true (the default, as in PyTorch): padded positions count;
/// - the number of window positions inside the image when it is false.
/// The stride defaults to the kernel size; padding may be at most half the kernel; the output
/// size is rounded down. Backward spreads each output gradient evenly: ∂L/∂x[u, v] += ∂L/∂y[i, j] / d.
public final class AvgPool2D: Layer {
    /// (kh, kw).
    public var kernelSize: (height: Int, width: Int) { window.kernelSize }
    /// (sh, sw).
    public var stride: (height: Int, width: Int) { window.stride }
    /// (ph, pw), filled with zeros.
    public var padding: (height: Int, width: Int) { window.padding }
    /// Whether padded positions count in the divisor.
    public let countIncludePad: Bool
    public var isTraining = true

    private let window: PoolingWindow
    private var geometry: ConvolutionGeometry?
    private var inputShape: TensorShape = []
    private var output = Tensor.zeros([0, 0, 0, 0])
    private var inputGradient = Tensor.zeros([0, 0, 0, 0])

    /// Creates an average pooling layer; `stride` defaults to `kernelSize`.
    public init(
        kernelSize: (height: Int, width: Int), stride: (height: Int, width: Int)? = nil,
        padding: (height: Int, width: Int) = (0, 0), countIncludePad: Bool = true
    ) {
        window = PoolingWindow(kernelSize: kernelSize, stride: stride, padding: padding, layerName: "AvgPool2D")
        self.countIncludePad = countIncludePad
    }

    /// Creates an average pooling layer with a square window; `stride` defaults to `kernelSize`.
    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, countIncludePad: Bool = true) {
        self.init(
            kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding),
            countIncludePad: countIncludePad)
    }

    public var summaryName: String {
        "AvgPool2D(\(window.summary)\(countIncludePad || padding == (0, 0) ? "" : ", excluding padding"))"
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        let g = try window.geometry(for: inputShape, layerName: summaryName)
        return [inputShape[0], inputShape[1], g.outputHeight, g.outputWidth]
    }

    /// One addition per window element: N·C·Ho·Wo·kh·kw.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        Tensor.elementCount(of: requireOutputShape(for: inputShape)) * kernelSize.height * kernelSize.width
    }

    /// The divisor d of a window covering `rows` × `columns` of the image.
    @inline(__always)
    private func divisor(rows: Range<Int>, columns: Range<Int>) -> Float {
        Float(countIncludePad ? kernelSize.height * kernelSize.width : rows.count * columns.count)
    }

    /// y [N, C, Ho, Wo]: the window means of x [N, C, H, W].
    public func forward(_ input: Tensor) -> Tensor {
        let g = requireValidShape { () throws(ShapeError) in try window.geometry(for: input.shape, layerName: summaryName) }
        geometry = g
        inputShape = input.shape
        output.resize(to: TensorShape(input.shape[0], input.shape[1], g.outputHeight, g.outputWidth))
        let (planes, inputPlane) = (input.shape[0] * input.shape[1], g.inputHeight * g.inputWidth)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                var k = 0
                for plane in 0..<planes {
                    let image = x.baseAddress! + plane * inputPlane
                    for i in 0..<g.outputHeight {
                        let rows = g.windowRows(ofOutputRow: i)
                        for j in 0..<g.outputWidth {
                            let columns = g.windowColumns(ofOutputColumn: j)
                            var sum: Float = 0
                            for u in rows {
                                for v in columns { sum += image[u * g.inputWidth + v] }
                            }
                            y[k] = sum / divisor(rows: rows, columns: columns)
                            k += 1
                        }
                    }
                }
            }
        }
        return output
    }

    /// ∂L/∂x [N, C, H, W]: every input in the window of output k receives ∂L/∂y[k] / d.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let g = geometry else { fatalError("\(summaryName).backward: called before forward") }
        require(
            outputGradient.shape == output.shape,
            "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected \(describe(output.shape))")
        inputGradient.resize(to: inputShape)
        inputGradient.fill(with: 0)
        let (planes, inputPlane) = (inputShape[0] * inputShape[1], g.inputHeight * g.inputWidth)
        outputGradient.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                var k = 0
                for plane in 0..<planes {
                    let image = dx.baseAddress! + plane * inputPlane
                    for i in 0..<g.outputHeight {
                        let rows = g.windowRows(ofOutputRow: i)
                        for j in 0..<g.outputWidth {
                            let columns = g.windowColumns(ofOutputColumn: j)
                            let share = dy[k] / divisor(rows: rows, columns: columns)
                            for u in rows {
                                for v in columns { image[u * g.inputWidth + v] += share }
                            }
                            k += 1
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
