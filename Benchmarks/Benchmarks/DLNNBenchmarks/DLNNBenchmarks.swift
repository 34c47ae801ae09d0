import Benchmark
import DLNN

// Every benchmark builds its layer and data once, outside the measurement, and its first
// (warm-up) iteration sizes the layer's workspaces, so the malloc counts are those of a steady
// state: what each further call allocates. Throughput is calls per second.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 2, maxDuration: .seconds(2), maxIterations: 1000)
    var generator = SeededGenerator(seed: 1)

    // Nothing: the mallocs the measurement itself makes, to subtract from the other counts.
    Benchmark("Baseline (empty)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(0) }
    }

    for n in [256, 512, 1024] {
        let a = Tensor.randomNormal([n, n], using: &generator), b = Tensor.randomNormal([n, n], using: &generator)
        var c = Tensor.zeros([n, n])
        Benchmark("GEMM \(n)×\(n)×\(n)") { benchmark in
            for _ in benchmark.scaledIterations { gemm(a, b, into: &c) }
            blackHole(c)
        }
    }

    // (name, N, Cin, H, W, Cout, k, padding), from the peer harness's cases.
    for (name, batch, inputChannels, size, outputChannels, kernel, padding) in [
        ("lenet_conv1", 64, 1, 28, 6, 5, 2), ("lenet_conv2", 64, 6, 14, 16, 5, 0), ("vgg_128x16x16", 32, 128, 16, 128, 3, 1),
    ] {
        let layer = Conv2D(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernel, padding: padding,
            bias: false, generator: &generator)
        let x = Tensor.randomNormal([batch, inputChannels, size, size], using: &generator)
        let outputGradient = Tensor.randomNormal(try! layer.outputShape(for: x.shape), using: &generator)
        Benchmark("Conv2D forward \(name)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(layer.forward(x)) }
        }
        Benchmark("Conv2D forward+backward \(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(layer.forward(x))
                blackHole(layer.backward(outputGradient))
            }
        }
    }

    // LeNet-5's first pooling layer.
    let pool = MaxPool2D(kernelSize: 2)
    let poolInput = Tensor.randomNormal([64, 6, 28, 28], using: &generator)
    let poolGradient = Tensor.randomNormal(try! pool.outputShape(for: poolInput.shape), using: &generator)
    Benchmark("MaxPool2D forward+backward [64, 6, 28, 28]") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(pool.forward(poolInput))
            blackHole(pool.backward(poolGradient))
        }
    }

    for (batch, inputSize, outputSize) in [(128, 784, 512), (128, 4096, 4096)] {
        let layer = Dense(inputSize: inputSize, outputSize: outputSize, generator: &generator)
        let x = Tensor.randomNormal([batch, inputSize], using: &generator)
        let outputGradient = Tensor.randomNormal([batch, outputSize], using: &generator)
        Benchmark("Dense forward \(batch)x\(inputSize)->\(outputSize)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(layer.forward(x)) }
        }
        Benchmark("Dense forward+backward \(batch)x\(inputSize)->\(outputSize)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(layer.forward(x))
                blackHole(layer.backward(outputGradient))
            }
        }
    }

    // Each normalization on the activations of a small VGG block, [32, 64, 16, 16].
    let activations = Tensor.randomNormal([32, 64, 16, 16], using: &generator)
    let activationGradient = Tensor.randomNormal(activations.shape, using: &generator)
    let normalizations: [(String, any Layer)] = [
        ("BatchNorm", BatchNorm(features: 64)),
        ("LayerNorm", LayerNorm(normalizedShape: [64, 16, 16])),
        ("InstanceNorm", InstanceNorm(channels: 64, affine: true)),
        ("GroupNorm", GroupNorm(groups: 8, channels: 64)),
    ]
    for (name, layer) in normalizations {
        Benchmark("\(name) forward+backward [32, 64, 16, 16]") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(layer.forward(activations))
                blackHole(layer.backward(activationGradient))
            }
        }
    }

    // The peer harness's training steps: forward, softmax cross-entropy, backward, SGD with momentum.
    for (name, model, inputShape): (String, Sequential, TensorShape) in [
        ("LeNet-5 training step, batch 64", try! Models.lenet5(), [64, 1, 28, 28]),   // 28×28 fits: cannot throw
        ("MLP 784-512-512-10 training step, batch 128", Models.mlp(sizes: [784, 512, 512, 10]), [128, 784]),
    ] {
        let input = Tensor.randomNormal(inputShape, using: &generator)
        let labels = (0..<inputShape[0]).map { _ in generator.nextIndex(below: 10) }
        let loss = SoftmaxCrossEntropy()
        let optimizer = SGD(model.allParameters, learningRate: 0.01, momentum: 0.9)
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations {
                optimizer.zeroGradients()
                let (value, gradient) = loss.loss(model.forward(input), labels: labels)
                model.accumulateParameterGradients(gradient)
                optimizer.step()
                blackHole(value)
            }
        }
    }
}
