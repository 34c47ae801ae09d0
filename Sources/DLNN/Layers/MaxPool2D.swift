/// 2-D max pooling over NCHW images: each output is the largest input in its window.
///
/// y[n, c, i, j] = max_{u < kh, v < kw} x[n, c, i·sh − ph + u, j·sw − pw + v], where positions in
/// the padding count as −∞ (they never win), as in PyTorch's `nn.MaxPool2d`. The stride defaults
/// to the kernel size; padding may be at most half the kernel; the output size is rounded down.
///
/// The forward pass records the flat input index of each maximum (the first one in row-major
/// window order on ties; a NaN wins, as in PyTorch), and the backward pass routes each output
/// gradient to that input: ∂L/∂x[argmax(i, j)] += ∂L/∂y[i, j].
public final class MaxPool2D: Layer {
    /// (kh, kw).
    public var kernelSize: (height: Int, width: Int) { window.kernelSize }
    /// (sh, sw).
    public var stride: (height: Int, width: Int) { window.stride }
    /// (ph, pw), filled with −∞.
    public var padding: (height: Int, width: Int) { window.padding }
    public var isTraining = true

    private let window: PoolingWindow
    private var inputShape: [Int] = []
    /// For each output element, the flat index into the input of its maximum.
    private var argmax: [Int] = []
    private var output = Tensor.zeros([0, 0, 0, 0])
    private var inputGradient = Tensor.zeros([0, 0, 0, 0])

    /// Creates a max pooling layer; `stride` defaults to `kernelSize`.
    public init(
        kernelSize: (height: Int, width: Int), stride: (height: Int, width: Int)? = nil,
        padding: (height: Int, width: Int) = (0, 0)
    ) {
        window = PoolingWindow(kernelSize: kernelSize, stride: stride, padding: padding, layerName: "MaxPool2D")
    }

    /// Creates a max pooling layer with a square window; `stride` defaults to `kernelSize`.
    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding))
    }

    public var summaryName: String { "MaxPool2D(\(window.summary))" }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        let g = window.geometry(for: inputShape, layerName: summaryName)
        return [inputShape[0], inputShape[1], g.outputHeight, g.outputWidth]
    }

    /// One comparison per window element: N·C·Ho·Wo·kh·kw.
    public func forwardFLOPs(for inputShape: [Int]) -> Int {
        Tensor.elementCount(of: outputShape(for: inputShape)) * kernelSize.height * kernelSize.width
    }

    /// y [N, C, Ho, Wo] from x [N, C, H, W], recording where each maximum came from.
    public func forward(_ input: Tensor) -> Tensor {
        let g = window.geometry(for: input.shape, layerName: summaryName)
        inputShape = input.shape
        output.resize(to: [input.shape[0], input.shape[1], g.outputHeight, g.outputWidth])
        if argmax.count != output.count { argmax = [Int](repeating: 0, count: output.count) }
        let (planes, inputPlane) = (input.shape[0] * input.shape[1], g.inputHeight * g.inputWidth)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { indices in
                    if kernelSize == (2, 2) && stride == (2, 2) && padding == (0, 0) {
                        Self.forwardTwoByTwo(x, y, indices, planes: planes, geometry: g)
                        return
                    }
                    var k = 0
                    for plane in 0..<planes {
                        let offset = plane * inputPlane
                        for i in 0..<g.outputHeight {
                            let rows = g.windowRows(ofOutputRow: i)
                            for j in 0..<g.outputWidth {
                                let columns = g.windowColumns(ofOutputColumn: j)
                                var best = -Float.infinity
                                var bestIndex = offset + rows.lowerBound * g.inputWidth + columns.lowerBound
                                for u in rows {
                                    for v in columns {
                                        let index = offset + u * g.inputWidth + v
                                        let value = x[index]
                                        if value > best || value.isNaN {
                                            best = value
                                            bestIndex = index
                                        }
                                    }
                                }
                                y[k] = best
                                indices[k] = bestIndex
                                k += 1
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// The common 2×2, stride 2, unpadded pooling (LeNet's, VGG's) without the general loop's window
    /// clipping (LeNet-5's two poolings at batch 64: 2.1 → 1.5 ms). It visits the four inputs in the
    /// same order with the same comparison, so ties and NaNs pick the same index as the general loop.
    private static func forwardTwoByTwo(
        _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>, _ indices: UnsafeMutableBufferPointer<Int>,
        planes: Int, geometry g: ConvolutionGeometry
    ) {
        let width = g.inputWidth
        var k = 0
        for plane in 0..<planes {
            for i in 0..<g.outputHeight {
                let rowStart = plane * g.inputHeight * width + 2 * i * width
                for j in 0..<g.outputWidth {
                    let first = rowStart + 2 * j
                    var best = x[first], bestIndex = first
                    func consider(_ index: Int) {
                        let value = x[index]
                        if value > best || value.isNaN {
                            best = value
                            bestIndex = index
                        }
                    }
                    consider(first + 1)
                    consider(first + width)
                    consider(first + width + 1)
                    y[k] = best
                    indices[k] = bestIndex
                    k += 1
                }
            }
        }
    }

    /// ∂L/∂x [N, C, H, W]: zero except ∂L/∂x[argmax(k)] += ∂L/∂y[k] for every output element k.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        require(
            outputGradient.shape == output.shape,
            "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected \(describe(output.shape))")
        inputGradient.resize(to: inputShape)
        inputGradient.fill(with: 0)
        outputGradient.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                argmax.withUnsafeBufferPointer { indices in
                    for k in dy.indices { dx[indices[k]] += dy[k] }
                }
            }
        }
        return inputGradient
    }
}
