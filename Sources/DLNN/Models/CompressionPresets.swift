extension Models {
    /// LeNet-300-100 (LeCun et al., 1998), the fully connected network of the pruning and Deep
    /// Compression papers (Han et al., 2015, 2016): Flatten, Dense(784 → 300), act,
    /// Dense(300 → 100), act, Dense(100 → classes). 266,610 parameters for 10 classes.
    public static func lenet300100(
        inputSize: Int = 784, classCount: Int = 10, activation: () -> any Layer = { ReLU() }, seed: UInt64 = 0
    ) -> Sequential {
        mlp(sizes: [inputSize, 300, 100, classCount], activation: activation, seed: seed)
    }

    /// The LeNet-5 of Caffe's MNIST example, used by Han et al. (2015, 2016):
    ///
    /// features: Conv2D(C → 20, 5×5), MaxPool2D(2), Conv2D(20 → 50, 5×5), MaxPool2D(2);
    /// classifier: Flatten, Dense(50·4·4 → 500), act, Dense(500 → classes).
    ///
    /// As in Caffe's `lenet_train_test.prototxt`, the only nonlinearity besides the poolings is
    /// the one after the first fully connected layer, and the convolutions have no padding
    /// (28 → 24 → 12 → 8 → 4). 431,080 parameters for 1×28×28 inputs and 10 classes, 93 % of them in
    /// the first fully connected layer. Throws a `ShapeError` when `imageSize` is too small.
    public static func caffeLeNet5(
        inputChannels: Int = 1, classCount: Int = 10, imageSize: (height: Int, width: Int) = (28, 28),
        activation: () -> any Layer = { ReLU() }, seed: UInt64 = 0
    ) throws(ShapeError) -> Sequential {
        var generator = SeededGenerator(seed: seed)
        let features = Sequential(
            Conv2D(inputChannels: inputChannels, outputChannels: 20, kernelSize: 5, generator: &generator),
            MaxPool2D(kernelSize: 2),
            Conv2D(inputChannels: 20, outputChannels: 50, kernelSize: 5, generator: &generator),
            MaxPool2D(kernelSize: 2))
        let flatSize = try features.outputShape(for: [1, inputChannels, imageSize.height, imageSize.width]).dropFirst().reduce(1, *)
        let classifier = Sequential(
            Flatten(),
            Dense(inputSize: flatSize, outputSize: 500, generator: &generator),
            activation(),
            Dense(inputSize: 500, outputSize: classCount, weightInitializer: outputInitializer, generator: &generator))
        return Sequential(named: [("features", features), ("classifier", classifier)])
    }
}
