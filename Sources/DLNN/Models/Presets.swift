/// Ready-made networks for small images (MNIST-sized by default: 1×28×28 inputs, 10 classes).
///
/// Every preset takes the activation as a factory, called once per activation layer, and the
/// convolutional ones an optional normalization factory called with the channel count after each
/// convolution (e.g. `{ BatchNorm(features: $0) }`); convolutions followed by a normalization
/// have no bias, which the normalization's shift would make redundant. Weights use each layer's
/// default initializer (He normal; a small Xavier uniform, `outputInitializer`, for the last, logit layer), drawn in layer order from one generator seeded with `seed`,
/// so a preset and a seed always give the same weights.
public enum Models {
    /// The initializer of every preset's last (logit) layer: Xavier uniform scaled by 0.05.
    /// He initialization's gain √2 makes up for the ReLU that follows a layer, and max pooling keeps
    /// the largest activations, so the features reaching the head are large: with unit-gain Xavier,
    /// LeNet-5's initial logits have a standard deviation near 7 and its initial cross-entropy is
    /// about 10.6 instead of ln 10 ≈ 2.30. A head 20 times smaller starts every preset within a few
    /// percent of ln(classes) — the "check the initial loss" rule — and the hidden layers keep He
    /// initialization, so gradients still reach them at full scale after the first step.
    static let outputInitializer = Initializer.xavierUniform(gain: 0.05)

    /// LeNet-5 (LeCun et al., 1998) in its modern form, with max pooling and the given activation:
    ///
    /// features: Conv2D(C → 6, 5×5, padding 2), act, MaxPool2D(2), Conv2D(6 → 16, 5×5), act, MaxPool2D(2);
    /// classifier: Flatten, Dense(16·5·5 → 120), act, Dense(120 → 84), act, Dense(84 → classes).
    ///
    /// The padding keeps 28×28 inputs at 28×28 after the first convolution, as the original's 32×32
    /// inputs gave 28×28 maps. For 1×28×28 inputs and 10 classes it has 61,706 parameters.
    /// Throws a `ShapeError` when `imageSize` is too small for the two poolings (under 4×4 after the first).
    public static func lenet5(
        inputChannels: Int = 1, classCount: Int = 10, imageSize: (height: Int, width: Int) = (28, 28),
        activation: () -> any Layer = { ReLU() }, seed: UInt64 = 0
    ) throws(ShapeError) -> Sequential {
        var generator = SeededGenerator(seed: seed)
        let features = Sequential(
            Conv2D(inputChannels: inputChannels, outputChannels: 6, kernelSize: 5, padding: 2, generator: &generator),
            activation(),
            MaxPool2D(kernelSize: 2),
            Conv2D(inputChannels: 6, outputChannels: 16, kernelSize: 5, generator: &generator),
            activation(),
            MaxPool2D(kernelSize: 2))
        let flatSize = try flattenedSize(of: features, inputChannels: inputChannels, imageSize: imageSize)
        let classifier = Sequential(
            Flatten(),
            Dense(inputSize: flatSize, outputSize: 120, generator: &generator),
            activation(),
            Dense(inputSize: 120, outputSize: 84, generator: &generator),
            activation(),
            Dense(inputSize: 84, outputSize: classCount, weightInitializer: outputInitializer, generator: &generator))
        return Sequential(named: [("features", features), ("classifier", classifier)])
    }

    /// A multilayer perceptron: Flatten, then Dense(sizes[0] → sizes[1]), act, …, Dense(→ sizes.last),
    /// with no activation after the last layer (it produces logits). With `dropout` p > 0, a `Dropout`
    /// of probability p follows every hidden activation (its masks seeded from `seed`).
    ///
    /// The leading Flatten lets it take images ([N, 1, 28, 28]) as well as vectors ([N, 784]).
    public static func mlp(
        sizes: [Int] = [784, 512, 512, 10], activation: () -> any Layer = { ReLU() }, dropout: Float = 0, seed: UInt64 = 0
    ) -> Sequential {
        require(sizes.count >= 2, "Models.mlp: sizes \(sizes) must list at least the input and output sizes")
        require(dropout >= 0 && dropout < 1, "Models.mlp: dropout \(dropout) must be in [0, 1)")
        var generator = SeededGenerator(seed: seed)
        var layers: [any Layer] = [Flatten()]
        for (index, (inputSize, outputSize)) in zip(sizes, sizes.dropFirst()).enumerated() {
            if index > 0 {
                layers.append(activation())
                if dropout > 0 { layers.append(Dropout(probability: dropout, seed: seed &+ UInt64(index))) }
            }
            let isOutput = index == sizes.count - 2
            layers.append(Dense(
                inputSize: inputSize, outputSize: outputSize,
                weightInitializer: isOutput ? outputInitializer : .heNormal, generator: &generator))
        }
        return Sequential(layers)
    }

    /// A small VGG-style network (Simonyan & Zisserman, 2015): per entry c of `channels`, two
    /// 3×3 convolutions with padding 1 to c channels (each followed by the normalization, if any,
    /// and the activation) and a 2×2 max pooling; then Flatten, Dense(→ `hiddenSize`), act,
    /// Dense(→ classes). The defaults take 1×28×28 to 16×14×14 and 32×7×7. Throws a `ShapeError`
    /// when `imageSize` is too small for the poolings.
    public static func smallVGG(
        inputChannels: Int = 1, classCount: Int = 10, imageSize: (height: Int, width: Int) = (28, 28),
        channels: [Int] = [16, 32], hiddenSize: Int = 128,
        activation: () -> any Layer = { ReLU() }, normalization: ((_ channels: Int) -> any Layer)? = nil, seed: UInt64 = 0
    ) throws(ShapeError) -> Sequential {
        var generator = SeededGenerator(seed: seed)
        var layers: [any Layer] = []
        var previous = inputChannels
        for width in channels {
            layers += convolution(previous, width, stride: 1, normalization: normalization, generator: &generator) + [activation()]
            layers += convolution(width, width, stride: 1, normalization: normalization, generator: &generator) + [activation()]
            layers.append(MaxPool2D(kernelSize: 2))
            previous = width
        }
        let features = Sequential(layers)
        let flatSize = try flattenedSize(of: features, inputChannels: inputChannels, imageSize: imageSize)
        let classifier = Sequential(
            Flatten(),
            Dense(inputSize: flatSize, outputSize: hiddenSize, generator: &generator),
            activation(),
            Dense(inputSize: hiddenSize, outputSize: classCount, weightInitializer: outputInitializer, generator: &generator))
        return Sequential(named: [("features", features), ("classifier", classifier)])
    }

    /// A small ResNet (He et al., 2016) of basic blocks:
    ///
    /// features.stem: Conv2D(C → channels[0], 3×3, padding 1), norm, act;
    /// features.stage1 … stageK: `blocksPerStage` blocks act(F(x) + S(x)) with
    /// F = conv 3×3, norm, act, conv 3×3, norm; the first block of every stage after the first
    /// halves the resolution (stride 2) and, whenever the shape changes, S is a projection
    /// (1×1 convolution with that stride, then norm), otherwise the identity;
    /// pool: GlobalAvgPool2D; classifier: Dense(channels.last → classes).
    ///
    /// The defaults take 1×28×28 through 16×28×28, 32×14×14 and 64×7×7.
    public static func smallResNet(
        inputChannels: Int = 1, classCount: Int = 10, channels: [Int] = [16, 32, 64], blocksPerStage: Int = 1,
        activation: () -> any Layer = { ReLU() }, normalization: ((_ channels: Int) -> any Layer)? = nil, seed: UInt64 = 0
    ) -> Sequential {
        require(!channels.isEmpty && blocksPerStage > 0, "Models.smallResNet: channels \(channels) must not be empty and blocksPerStage \(blocksPerStage) must be positive")
        var generator = SeededGenerator(seed: seed)
        var features: [(String, any Layer)] = [
            ("stem", Sequential(convolution(inputChannels, channels[0], stride: 1, normalization: normalization, generator: &generator) + [activation()]))
        ]
        var previous = channels[0]
        for (stage, width) in channels.enumerated() {
            var blocks: [any Layer] = []
            for block in 0..<blocksPerStage {
                let stride = stage > 0 && block == 0 ? 2 : 1
                var body = convolution(previous, width, stride: stride, normalization: normalization, generator: &generator)
                body.append(activation())
                body += convolution(width, width, stride: 1, normalization: normalization, generator: &generator)
                var shortcut: (any Layer)?
                if stride != 1 || previous != width {
                    shortcut = Sequential(convolution(
                        previous, width, kernelSize: 1, stride: stride, normalization: normalization, generator: &generator))
                }
                blocks.append(Residual(Sequential(body), shortcut: shortcut, activation: activation()))
                previous = width
            }
            features.append(("stage\(stage + 1)", Sequential(blocks)))
        }
        return Sequential(named: [
            ("features", Sequential(named: features)),
            ("pool", GlobalAvgPool2D()),
            ("classifier", Dense(inputSize: previous, outputSize: classCount, weightInitializer: outputInitializer, generator: &generator)),
        ])
    }

    /// Conv2D (`kernelSize`, padding keeping the size at stride 1), then the normalization if any.
    /// The convolution has a bias only when there is no normalization.
    private static func convolution(
        _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int = 3, stride: Int,
        normalization: ((_ channels: Int) -> any Layer)?, generator: inout SeededGenerator
    ) -> [any Layer] {
        var layers: [any Layer] = [
            Conv2D(
                inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                stride: stride, padding: kernelSize / 2, bias: normalization == nil, generator: &generator)
        ]
        if let normalization { layers.append(normalization(outputChannels)) }
        return layers
    }

    /// The per-sample size of `features`' output for one image of the given size.
    private static func flattenedSize(
        of features: Sequential, inputChannels: Int, imageSize: (height: Int, width: Int)
    ) throws(ShapeError) -> Int {
        do {
            return try features.outputShape(for: [1, inputChannels, imageSize.height, imageSize.width]).dropFirst().reduce(1, *)
        } catch {
            throw error.inside(child: "features")
        }
    }
}
