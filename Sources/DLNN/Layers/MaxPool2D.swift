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
    private var inputShape: TensorShape = []
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

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        let g = try window.geometry(for: inputShape, layerName: summaryName)
        return [inputShape[0], inputShape[1], g.outputHeight, g.outputWidth]
    }

    /// One comparison per window element: N·C·Ho·Wo·kh·kw.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        Tensor.elementCount(of: requireOutputShape(for: inputShape)) * kernelSize.height * kernelSize.width
    }

    /// y [N, C, Ho, Wo] from x [N, C, H, W], recording where each maximum came from.
    public func forward(_ input: Tensor) -> Tensor {
        let g = requireValidShape { () throws(ShapeError) in try window.geometry(for: input.shape, layerName: summaryName) }
        inputShape = input.shape
        output.resize(to: TensorShape(input.shape[0], input.shape[1], g.outputHeight, g.outputWidth))
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
                                        Self.consider(x[index], at: index, best: &best, bestIndex: &bestIndex)
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

    /// Makes `value`, the input at `index`, the window's maximum so far if it is larger than `best`
    /// or NaN, so that the first maximum in visiting order wins ties and the last NaN wins.
    @inline(__always)
    private static func consider(_ value: Float, at index: Int, best: inout Float, bestIndex: inout Int) {
        if value > best || value.isNaN {
            best = value
            bestIndex = index
        }
    }

    /// `consider` in four lanes at once, with selects: which input wins depends on the data, and
    /// the scalar loop's mispredicted branches cost most of its time.
    @inline(__always)
    private static func consider(
        _ value: SIMD4<Float>, at position: Int32, best: inout SIMD4<Float>, bestPosition: inout SIMD4<Int32>
    ) {
        let wins = value .> best .| value .!= value
        best.replace(with: value, where: wins)
        bestPosition.replace(with: position, where: wins)
    }

    /// The common 2×2, stride 2, unpadded pooling (LeNet's, VGG's), four outputs at a time: lane l
    /// holds the window of output column j + l, whose inputs a, b (top row) and c, d (bottom row)
    /// are the even and odd elements of 8 consecutive inputs of each row. It considers them in the
    /// general loop's order (a, b, c, d) with the same comparison, so ties and NaNs pick the same
    /// index. When the width is not a multiple of 4 the last block overlaps the one before it;
    /// rows narrower than 4 outputs go through the scalar `consider`.
    /// LeNet-5's first pooling at batch 64: 1.2 ms with a branch per element, 0.2 ms in lanes.
    private static func forwardTwoByTwo(
        _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>, _ indices: UnsafeMutableBufferPointer<Int>,
        planes: Int, geometry g: ConvolutionGeometry
    ) {
        let width = g.inputWidth, outputWidth = g.outputWidth
        let laneOffsets = SIMD4<Int>(0, 2, 4, 6)
        for row in 0..<(planes * g.outputHeight) {
            // Output row `row` is row i = row % Ho of plane row / Ho, from input rows 2i and 2i + 1.
            let rowStart = (row / g.outputHeight * g.inputHeight + 2 * (row % g.outputHeight)) * width
            let k = row * outputWidth
            guard outputWidth >= 4 else {
                for j in 0..<outputWidth {
                    let first = rowStart + 2 * j
                    var best = x[first], bestIndex = first
                    consider(x[first + 1], at: first + 1, best: &best, bestIndex: &bestIndex)
                    consider(x[first + width], at: first + width, best: &best, bestIndex: &bestIndex)
                    consider(x[first + width + 1], at: first + width + 1, best: &best, bestIndex: &bestIndex)
                    y[k + j] = best
                    indices[k + j] = bestIndex
                }
                continue
            }
            let top = UnsafeRawPointer(x.baseAddress! + rowStart), bottom = top + 4 * width
            for block in Swift.stride(from: 0, to: outputWidth, by: 4) {
                let j = min(block, outputWidth - 4)
                let upper = top.loadUnaligned(fromByteOffset: 8 * j, as: SIMD8<Float>.self)
                let lower = bottom.loadUnaligned(fromByteOffset: 8 * j, as: SIMD8<Float>.self)
                // Positions 0 (a), 1 (b), 2 (c), 3 (d), at offset (p & 1) + (p >> 1)·width from a.
                var best = upper.evenHalf, position = SIMD4<Int32>(repeating: 0)
                consider(upper.oddHalf, at: 1, best: &best, bestPosition: &position)
                consider(lower.evenHalf, at: 2, best: &best, bestPosition: &position)
                consider(lower.oddHalf, at: 3, best: &best, bestPosition: &position)
                let p = SIMD4<Int>(truncatingIfNeeded: position)
                let index = (rowStart + 2 * j) &+ laneOffsets &+ (p & 1) &+ (p &>> 1) &* width
                UnsafeMutableRawPointer(y.baseAddress! + k + j).storeBytes(of: best, as: SIMD4<Float>.self)
                UnsafeMutableRawPointer(indices.baseAddress! + k + j).storeBytes(of: index, as: SIMD4<Int>.self)
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
