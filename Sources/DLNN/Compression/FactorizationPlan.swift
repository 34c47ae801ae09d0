/// A layer's weight read as a matrix, and how the factors of that matrix become a `LowRankLayer`.
struct FactorizationPlan {
    /// W as [m, n].
    let matrix: Tensor
    /// Weights and bias of the original layer.
    let originalParameterCount: Int
    /// Weights and bias of the factorized layer at rank k.
    let parameterCount: (Int) -> Int
    /// Builds the layer from A [m, k] and B [k, n].
    let build: (_ left: Tensor, _ right: Tensor) -> LowRankLayer

    /// W [out, in]: first = Dense(in → k, no bias) with weight B [k, in], second = Dense(k → out)
    /// with weight A [out, k] and the original bias.
    init(_ dense: Dense) {
        let (input, output, biasCount) = (dense.inputSize, dense.outputSize, dense.bias == nil ? 0 : dense.outputSize)
        matrix = dense.weight.value
        originalParameterCount = dense.parameterCount
        parameterCount = { $0 * (input + output) + biasCount }
        build = { left, right in
            let k = right.shape[0]
            var generator = SeededGenerator(seed: 0)
            let first = Dense(inputSize: input, outputSize: k, bias: false, weightInitializer: .zeros, generator: &generator)
            let second = Dense(inputSize: k, outputSize: output, bias: dense.bias != nil, weightInitializer: .zeros, generator: &generator)
            first.weight.value = right
            second.weight.value = left
            if let bias = dense.bias { second.bias!.value = bias.value }
            return LowRankLayer(first: first, second: second, rank: k, originalSummary: dense.summaryName)
        }
    }

    /// See `ConvolutionFactorization` for the two matrix views and the layers they give; nil for
    /// a grouped convolution.
    init?(_ conv: Conv2D, scheme: ConvolutionFactorization) {
        guard conv.groups == 1 else { return nil }
        let (cin, cout) = (conv.inputChannels, conv.outputChannels)
        let (kh, kw) = conv.kernelSize
        let biasCount = conv.bias == nil ? 0 : cout
        let weight = conv.weight.value
        originalParameterCount = conv.parameterCount
        func make(
            _ input: Int, _ output: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), bias: Bool
        ) -> Conv2D {
            var generator = SeededGenerator(seed: 0)
            return Conv2D(
                inputChannels: input, outputChannels: output, kernelSize: kernel, stride: stride, padding: padding,
                dilation: dilation, bias: bias, weightInitializer: .zeros, generator: &generator)
        }
        func finish(_ first: Conv2D, _ second: Conv2D, firstWeight: Tensor, secondWeight: Tensor) -> LowRankLayer {
            first.weight.value = firstWeight
            second.weight.value = secondWeight
            if let bias = conv.bias { second.bias!.value = bias.value }
            return LowRankLayer(first: first, second: second, rank: first.outputChannels, originalSummary: conv.summaryName)
        }
        switch scheme {
        case .channels:
            // W [Cout, Cin·kh·kw] ≈ A [Cout, k] · B [k, Cin·kh·kw]: B is a kh×kw convolution, A a 1×1 one.
            matrix = weight.reshaped([cout, cin * kh * kw])
            parameterCount = { $0 * (cin * kh * kw + cout) + biasCount }
            build = { left, right in
                let k = right.shape[0]
                return finish(
                    make(cin, k, kernel: (kh, kw), stride: conv.stride, padding: conv.padding, dilation: conv.dilation, bias: false),
                    make(k, cout, kernel: (1, 1), stride: (1, 1), padding: (0, 0), dilation: (1, 1), bias: conv.bias != nil),
                    firstWeight: right.reshaped([k, cin, kh, kw]), secondWeight: left.reshaped([cout, k, 1, 1]))
            }
        case .spatial:
            // M[(c, u), (o, v)] = W[o, c, u, v] ≈ Σₖ A[(c, u), k]·B[k, (o, v)]: the vertical filter
            // V[k, c, u] = A[(c, u), k], the horizontal filter H[o, k, v] = B[k, (o, v)].
            matrix = Tensor(shape: [cin * kh, cout * kw]) { m in
                for o in 0..<cout {
                    for c in 0..<cin {
                        for u in 0..<kh {
                            for v in 0..<kw { m[(c * kh + u) * cout * kw + o * kw + v] = weight.scalars[((o * cin + c) * kh + u) * kw + v] }
                        }
                    }
                }
            }
            parameterCount = { $0 * (cin * kh + cout * kw) + biasCount }
            build = { left, right in
                let k = right.shape[0]
                let horizontal = Tensor(shape: [cout, k, 1, kw]) { h in
                    for o in 0..<cout {
                        for r in 0..<k {
                            for v in 0..<kw { h[(o * k + r) * kw + v] = right.scalars[r * cout * kw + o * kw + v] }
                        }
                    }
                }
                return finish(
                    make(cin, k, kernel: (kh, 1), stride: (conv.stride.height, 1), padding: (conv.padding.height, 0),
                         dilation: (conv.dilation.height, 1), bias: false),
                    make(k, cout, kernel: (1, kw), stride: (1, conv.stride.width), padding: (0, conv.padding.width),
                         dilation: (1, conv.dilation.width), bias: conv.bias != nil),
                    firstWeight: left.transposed().reshaped([k, cin, kh, 1]), secondWeight: horizontal)
            }
        }
    }
}

extension LowRankLayer {
    /// Factorizes `dense` at `rank` (capped at min(in, out)); the result is exact at full rank.
    /// Throws `LAPACKError` when the SVD fails (non-finite weights).
    public convenience init(factorizing dense: Dense, rank: Int) throws {
        try self.init(plan: FactorizationPlan(dense), rank: rank)
    }

    /// Factorizes `conv` (ungrouped) at `rank` (capped at the scheme's maximum rank) with `scheme`;
    /// the result is exact at full rank. Throws `LAPACKError` when the SVD fails.
    public convenience init(factorizing conv: Conv2D, rank: Int, scheme: ConvolutionFactorization = .channels) throws {
        require(conv.groups == 1, "LowRankLayer: \(conv.summaryName): grouped convolutions are not factorized")
        try self.init(plan: FactorizationPlan(conv, scheme: scheme)!, rank: rank)
    }

    private convenience init(plan: FactorizationPlan, rank: Int) throws {
        require(rank >= 1, "LowRankLayer: rank \(rank) must be at least 1")
        let approximation = try LowRankApproximation(plan.matrix)
        let (left, right) = approximation.factors(rank: min(rank, approximation.maximumRank))
        let layer = plan.build(left, right)
        self.init(first: layer.first, second: layer.second, rank: layer.rank, originalSummary: layer.originalSummary)
    }
}
