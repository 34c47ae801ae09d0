import DLNN
import Foundation

/// The job families of `dlbench kernels`, named like the peer harness's `--tasks`
/// (`/work/shared/peers/bench_peers.py`), so that both measure the same cases.
enum KernelTask: String, CaseIterable {
    case sgemm, conv, linear, train, svd, inference, rnn
}

/// How long each kernel is timed, as the peer harness does: one untimed first call (first touch
/// of the workspaces), at least one more call and up to `warmup` seconds of warm-up (at most 50
/// calls), then timed calls until `target` seconds are spent and at least `minimumRepetitions`.
struct TimingPolicy {
    /// Seconds of timed calls per kernel.
    var target = 0.6
    /// Seconds of untimed warm-up calls per kernel.
    var warmup = 0.15
    /// The fewest timed calls, however long each takes.
    var minimumRepetitions = 3
}

/// The timed calls of one kernel.
struct Timing {
    /// Median seconds per call.
    var median: Double
    /// Fastest call, in seconds.
    var minimum: Double
    /// Timed calls.
    var repetitions: Int
    /// Seconds of the untimed first call.
    var firstCall: Double
    /// Seconds spent in the timed calls.
    var timedSeconds = 0.0
    /// Milliseconds the hypervisor gave the CPUs to other guests while the calls were timed.
    var stealMilliseconds = 0.0
}

/// Times `body` under `policy`.
func measure(_ policy: TimingPolicy, _ body: () throws -> Void) rethrows -> Timing {
    let clock = ContinuousClock()
    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
    let firstCall = try seconds(clock.measure(body))
    let warmupEnd = clock.now.advanced(by: .seconds(policy.warmup))
    var warmupCalls = 0
    while warmupCalls < 1 || (clock.now < warmupEnd && warmupCalls < 50) {
        try body()
        warmupCalls += 1
    }
    var times: [Double] = []
    var spent = 0.0
    let stealBefore = stealTicks()
    while spent < policy.target || times.count < policy.minimumRepetitions {
        let time = try seconds(clock.measure(body))
        times.append(time)
        spent += time
    }
    times.sort()
    let middle = times.count / 2
    let median = times.count % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2
    return Timing(
        median: median, minimum: times[0], repetitions: times.count, firstCall: firstCall, timedSeconds: spent,
        stealMilliseconds: Double(stealTicks() - stealBefore) * 1000 / Double(sysconf(Int32(_SC_CLK_TCK))))
}

/// The hypervisor's steal time over all CPUs so far, in clock ticks (the 8th number of
/// /proc/stat's `cpu` line); 0 where there is no /proc/stat.
func stealTicks() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let line = text.split(separator: "\n").first else { return 0 }
    let fields = line.split(separator: " ")
    return fields.count > 8 ? Int(fields[8]) ?? 0 : 0
}

/// A value of a measurement's `params`: a size or a name.
enum KernelParameter: Equatable {
    case integer(Int)
    case text(String)
}

/// One timed kernel, printable as a record of the peer harness:
/// `{"kind":"result","task":…,"case":…,"impl":"dlnn","ms":…,"ms_min":…,"reps":…,"gflops":…,"params":{…},"extra":{…}}`.
struct KernelMeasurement {
    /// The harness's task: sgemm, conv2d_fwd, conv2d_fwdbwd, linear_fwd, linear_fwdbwd, train_step, svd_full, svd_vals.
    var task: String
    /// Who ran it: `dlnn` (the layer), or `dlnn-gemms` (only the OpenBLAS GEMMs the layer's products
    /// amount to, at the same shapes: what the layer would take with no work outside them).
    var implementation = "dlnn"
    /// The harness's case name, e.g. `1024`, `lenet_conv1`, `128x784->512`, `lenet5_b64`.
    var caseName: String
    var timing: Timing
    /// Floating-point operations per call by the harness's conventions; `nil` where it reports none.
    var flops: Double?
    var parameters: [(String, KernelParameter)]
    /// Extra numbers, e.g. `images_per_s` for training steps.
    var extra: [(String, Double)] = []

    /// Median milliseconds per call.
    var milliseconds: Double { timing.median * 1e3 }

    /// GFLOP/s at the median time.
    var gigaflopsPerSecond: Double? { flops.map { $0 / timing.median / 1e9 } }

    /// The record as one line of JSON, numbers rounded as the harness rounds them.
    func jsonLine() -> String {
        func number(_ value: Double, decimals: Int) -> String {
            let scale = pow(10, Double(decimals))
            return ((value * scale).rounded() / scale).description
        }
        func object(_ members: [(String, String)]) -> String {
            "{" + members.map { "\(jsonStringLiteral($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        }
        let parameterMembers = parameters.map { key, value in
            switch value {
            case .integer(let integer): (key, String(integer))
            case .text(let text): (key, jsonStringLiteral(text))
            }
        }
        let extraMembers = extra.map { ($0.0, number($0.1, decimals: 3)) }
            + [("first_call_ms", number(timing.firstCall * 1e3, decimals: 3)), ("timed_s", number(timing.timedSeconds, decimals: 3)),
               ("steal_ms", number(timing.stealMilliseconds, decimals: 1))]
        return object([
            ("kind", jsonStringLiteral("result")), ("task", jsonStringLiteral(task)), ("case", jsonStringLiteral(caseName)), ("impl", jsonStringLiteral(implementation)),
            ("ms", number(milliseconds, decimals: 5)), ("ms_min", number(timing.minimum * 1e3, decimals: 5)),
            ("reps", String(timing.repetitions)),
            ("gflops", gigaflopsPerSecond.map { number($0, decimals: 3) } ?? "null"),
            ("params", object(parameterMembers)), ("extra", object(extraMembers)),
        ])
    }
}

/// A convolution of the peer harness: N images of Cin×H×W, Cout filters of k×k, stride and padding.
struct ConvolutionCase {
    var name: String
    var batch, inputChannels, height, width, outputChannels, kernel, stride, padding: Int

    /// 2·N·Cout·Ho·Wo·Cin·k·k, the forward pass's multiply-adds counted twice.
    var forwardFLOPs: Double {
        2 * Double(batch * outputChannels * outputPlaneSize * inputChannels * kernel * kernel)
    }

    /// Ho·Wo.
    var outputPlaneSize: Int {
        ConvolutionGeometry.outputExtent(input: height, kernel: kernel, stride: stride, padding: padding)
            * ConvolutionGeometry.outputExtent(input: width, kernel: kernel, stride: stride, padding: padding)
    }

    var parameters: [(String, KernelParameter)] {
        [("N", batch), ("Cin", inputChannels), ("H", height), ("W", width), ("Cout", outputChannels),
         ("k", kernel), ("stride", stride), ("pad", padding)].map { ($0.0, .integer($0.1)) }
    }
}

/// The GEMMs a layer's products amount to, Y = A·B forward and ∂A = G·Bᵀ, ∂B = Aᵀ·G backward,
/// timed alone: the bound a layer would reach with no work outside OpenBLAS.
struct GEMMShapes {
    var a: Tensor, b: Tensor, gradient: Tensor

    /// The `dlnn-gemms` measurements `<family>_fwd` and `<family>_fwdbwd` of a case.
    func measurements(
        family: String, caseName: String, parameters: [(String, KernelParameter)], forwardFLOPs: Double, policy: TimingPolicy
    ) -> [KernelMeasurement] {
        var product = Tensor.zeros(gradient.shape)
        var aGradient = Tensor.zeros(a.shape), bGradient = Tensor.zeros(b.shape)
        let forward = measure(policy) { gemm(a, b, into: &product) }
        let forwardBackward = measure(policy) {
            gemm(a, b, into: &product)
            gemm(gradient, b, into: &aGradient, transposeB: true)
            gemm(a, gradient, into: &bGradient, transposeA: true)
        }
        return [(forward, "_fwd", 1.0), (forwardBackward, "_fwdbwd", 3.0)].map { timing, suffix, passes in
            KernelMeasurement(
                task: family + suffix, implementation: "dlnn-gemms", caseName: caseName, timing: timing,
                flops: passes * forwardFLOPs, parameters: parameters)
        }
    }
}

/// A fully connected layer of the peer harness: a batch of `inputSize` features to `outputSize`.
struct LinearCase {
    var batch, inputSize, outputSize: Int
    /// `128x784->512`.
    var name: String { "\(batch)x\(inputSize)->\(outputSize)" }
}

/// The cases of the peer harness (`SGEMM_SIZES`, `CONV_CASES`, `LINEAR_CASES`, `SVD_SIZES`).
enum KernelCases {
    static let gemmSizes = [256, 512, 1024, 2048]
    static let convolutions = [
        ConvolutionCase(name: "lenet_conv1", batch: 64, inputChannels: 1, height: 28, width: 28, outputChannels: 6, kernel: 5, stride: 1, padding: 2),
        ConvolutionCase(name: "lenet_conv2", batch: 64, inputChannels: 6, height: 14, width: 14, outputChannels: 16, kernel: 5, stride: 1, padding: 0),
        ConvolutionCase(name: "vgg_64x32x32", batch: 32, inputChannels: 64, height: 32, width: 32, outputChannels: 64, kernel: 3, stride: 1, padding: 1),
        ConvolutionCase(name: "vgg_128x16x16", batch: 32, inputChannels: 128, height: 16, width: 16, outputChannels: 128, kernel: 3, stride: 1, padding: 1),
        ConvolutionCase(name: "vgg_256x14x14", batch: 8, inputChannels: 256, height: 14, width: 14, outputChannels: 256, kernel: 3, stride: 1, padding: 1),
    ]
    static let linears = [
        LinearCase(batch: 128, inputSize: 784, outputSize: 512),
        LinearCase(batch: 128, inputSize: 512, outputSize: 512),
        LinearCase(batch: 128, inputSize: 4096, outputSize: 4096),
    ]
    static let svdSizes = [512, 1024]
    /// The peer harness's `inference` cases: evaluation-mode forward passes at these batch sizes.
    static let inferenceBatches = [1, 256]

    /// The harness's `cnn_small`: conv 1→32 3×3 pad 1, ReLU, max-pool 2, conv 32→64 3×3 pad 1, ReLU,
    /// max-pool 2, flatten, dense 3136→128, ReLU, dense 128→10.
    static func smallCNN(generator: inout SeededGenerator) -> Sequential {
        Sequential(
            Conv2D(inputChannels: 1, outputChannels: 32, kernelSize: 3, padding: 1, generator: &generator), ReLU(), MaxPool2D(kernelSize: 2),
            Conv2D(inputChannels: 32, outputChannels: 64, kernelSize: 3, padding: 1, generator: &generator), ReLU(), MaxPool2D(kernelSize: 2),
            Flatten(), Dense(inputSize: 3136, outputSize: 128, generator: &generator), ReLU(),
            Dense(inputSize: 128, outputSize: 10, generator: &generator))
    }
    /// SGD's rate and momentum in the training steps.
    static let learningRate: Float = 0.01, momentum: Float = 0.9
}

/// Measures every case of `tasks` in order, handing each measurement to `report` as soon as it is taken.
func runKernelBenchmarks(_ tasks: [KernelTask], policy: TimingPolicy, report: (KernelMeasurement) -> Void) throws {
    var generator = SeededGenerator(seed: 1)
    for task in KernelTask.allCases where tasks.contains(task) {
        switch task {
        case .sgemm:
            for n in KernelCases.gemmSizes {
                let a = Tensor.randomNormal([n, n], using: &generator), b = Tensor.randomNormal([n, n], using: &generator)
                var c = Tensor.zeros([n, n])
                let timing = measure(policy) { gemm(a, b, into: &c) }
                report(KernelMeasurement(task: "sgemm", caseName: String(n), timing: timing, flops: 2 * pow(Double(n), 3), parameters: [("n", .integer(n))]))
            }
        case .conv:
            for spec in KernelCases.convolutions {
                let layer = Conv2D(
                    inputChannels: spec.inputChannels, outputChannels: spec.outputChannels, kernelSize: spec.kernel,
                    stride: spec.stride, padding: spec.padding, bias: false, generator: &generator)
                let x = Tensor.randomNormal([spec.batch, spec.inputChannels, spec.height, spec.width], using: &generator)
                let forward = measure(policy) { _ = layer.forward(x) }
                report(KernelMeasurement(task: "conv2d_fwd", caseName: spec.name, timing: forward, flops: spec.forwardFLOPs, parameters: spec.parameters))
                let outputGradient = Tensor.randomNormal(try layer.outputShape(for: x.shape), using: &generator)
                let forwardBackward = measure(policy) {
                    _ = layer.forward(x)
                    _ = layer.backward(outputGradient)
                }
                report(KernelMeasurement(task: "conv2d_fwdbwd", caseName: spec.name, timing: forwardBackward, flops: 3 * spec.forwardFLOPs, parameters: spec.parameters))
                // The same products as whole-batch GEMMs: Y [Cout, N·Ho·Wo] = W [Cout, Cin·k²] · X, then
                // ∂W = G·Xᵀ and ∂X = Wᵀ·G.
                let (patch, columns) = (spec.inputChannels * spec.kernel * spec.kernel, spec.batch * spec.outputPlaneSize)
                let gemms = GEMMShapes(
                    a: Tensor.randomNormal([spec.outputChannels, patch], using: &generator),
                    b: Tensor.randomNormal([patch, columns], using: &generator),
                    gradient: Tensor.randomNormal([spec.outputChannels, columns], using: &generator))
                gemms.measurements(
                    family: "conv2d", caseName: spec.name, parameters: spec.parameters, forwardFLOPs: spec.forwardFLOPs,
                    policy: policy
                ).forEach(report)
            }
        case .linear:
            for spec in KernelCases.linears {
                let layer = Dense(inputSize: spec.inputSize, outputSize: spec.outputSize, generator: &generator)
                let x = Tensor.randomNormal([spec.batch, spec.inputSize], using: &generator)
                let outputGradient = Tensor.randomNormal([spec.batch, spec.outputSize], using: &generator)
                let flops = 2 * Double(spec.batch * spec.inputSize * spec.outputSize)
                let parameters: [(String, KernelParameter)] = [("batch", .integer(spec.batch)), ("in", .integer(spec.inputSize)), ("out", .integer(spec.outputSize))]
                let forward = measure(policy) { _ = layer.forward(x) }
                report(KernelMeasurement(task: "linear_fwd", caseName: spec.name, timing: forward, flops: flops, parameters: parameters))
                let forwardBackward = measure(policy) {
                    _ = layer.forward(x)
                    _ = layer.backward(outputGradient)
                }
                report(KernelMeasurement(task: "linear_fwdbwd", caseName: spec.name, timing: forwardBackward, flops: 3 * flops, parameters: parameters))
                // Y [out, N] = W [out, in] · Xᵀ-shaped columns [in, N]: the same products as GEMMs alone.
                let gemms = GEMMShapes(
                    a: Tensor.randomNormal([spec.outputSize, spec.inputSize], using: &generator),
                    b: Tensor.randomNormal([spec.inputSize, spec.batch], using: &generator),
                    gradient: Tensor.randomNormal([spec.outputSize, spec.batch], using: &generator))
                gemms.measurements(
                    family: "linear", caseName: spec.name, parameters: parameters, forwardFLOPs: flops, policy: policy
                ).forEach(report)
            }
        case .train:
            for (name, model, inputShape): (String, Sequential, TensorShape) in [
                ("lenet5_b64", try Models.lenet5(), [64, 1, 28, 28]),
                ("mlp_784_512_512_10_b128", Models.mlp(sizes: [784, 512, 512, 10]), [128, 784]),
            ] {
                let step = TrainingStep(model: model, inputShape: inputShape, generator: &generator)
                let timing = measure(policy) { step.run() }
                let batch = inputShape[0]
                report(KernelMeasurement(
                    task: "train_step", caseName: name, timing: timing, flops: nil,
                    parameters: [("batch", .integer(batch)), ("opt", .text("sgd_momentum0.9"))],
                    extra: [("steps_per_s", 1 / timing.median), ("images_per_s", Double(batch) / timing.median)]))
            }
        case .inference:
            for (name, model) in [("lenet5", try Models.lenet5()), ("cnn_small", KernelCases.smallCNN(generator: &generator))] {
                model.isTraining = false
                for batch in KernelCases.inferenceBatches {
                    let x = Tensor.randomNormal([batch, 1, 28, 28], using: &generator)
                    let timing = measure(policy) { _ = model.forward(x) }
                    report(KernelMeasurement(
                        task: "inference", caseName: "\(name)_b\(batch)", timing: timing, flops: nil,
                        parameters: [("batch", .integer(batch))], extra: [("images_per_s", Double(batch) / timing.median)]))
                }
            }
        case .rnn:
            // The peer harness's `rnn` cases: T = 28, N = 64, I = 28, H = 128, and attention B = 32, T = 64, E = 128, 4 heads.
            let (length, batch, inputSize, hiddenSize) = (28, 64, 28, 128)
            let x = Tensor.randomNormal([length, batch, inputSize], using: &generator)
            let outputGradient = Tensor.randomNormal([length, batch, hiddenSize], using: &generator)
            let networks: [(String, RecurrentNetwork)] = [
                ("lstm_fwdbwd", LSTM(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)),
                ("gru_fwdbwd", GRU(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)),
            ]
            for (task, network) in networks {
                let timing = measure(policy) {
                    _ = network.forward(x)
                    _ = network.backward(outputGradient)
                }
                report(KernelMeasurement(
                    task: task, caseName: "t\(length)_b\(batch)_i\(inputSize)_h\(hiddenSize)", timing: timing,
                    flops: 3 * Double(network.forwardFLOPs(for: x.shape)),
                    parameters: [("T", .integer(length)), ("N", .integer(batch)), ("I", .integer(inputSize)), ("H", .integer(hiddenSize))]))
            }
            let (samples, steps, embedding, heads) = (32, 64, 128, 4)
            let attention = MultiHeadAttention(embeddingSize: embedding, heads: heads, generator: &generator)
            let sequence = Tensor.randomNormal([steps, samples, embedding], using: &generator)
            let sequenceGradient = Tensor.randomNormal([steps, samples, embedding], using: &generator)
            let timing = measure(policy) {
                _ = attention.forward(sequence)
                _ = attention.backward(sequenceGradient)
            }
            report(KernelMeasurement(
                task: "mha_fwdbwd", caseName: "b\(samples)_t\(steps)_e\(embedding)_h\(heads)", timing: timing,
                flops: 3 * Double(attention.forwardFLOPs(for: sequence.shape)),
                parameters: [("B", .integer(samples)), ("T", .integer(steps)), ("E", .integer(embedding)), ("heads", .integer(heads))]))
        case .svd:
            for n in KernelCases.svdSizes {
                let a = Tensor.randomNormal([n, n], using: &generator)
                let parameters: [(String, KernelParameter)] = [("n", .integer(n)), ("lapack", .text("sgesdd"))]
                let full = try measure(policy) { _ = try LAPACK.svd(a) }
                report(KernelMeasurement(task: "svd_full", caseName: String(n), timing: full, flops: nil, parameters: parameters))
                let values = try measure(policy) { _ = try LAPACK.singularValues(a) }
                report(KernelMeasurement(task: "svd_vals", caseName: String(n), timing: values, flops: nil, parameters: parameters))
            }
        }
    }
}

/// One training step as the peer harness times it: zero the gradients, forward, softmax
/// cross-entropy (mean over the batch), backward, and SGD with rate 0.01 and heavy-ball momentum 0.9,
/// on a fixed random batch.
final class TrainingStep {
    let model: Sequential
    let input: Tensor
    let labels: [Int]
    let loss = SoftmaxCrossEntropy()
    let optimizer: SGD

    init(model: Sequential, inputShape: TensorShape, classCount: Int = 10, generator: inout SeededGenerator) {
        self.model = model
        input = Tensor.randomNormal(inputShape, using: &generator)
        labels = (0..<inputShape[0]).map { _ in generator.nextIndex(below: classCount) }
        optimizer = SGD(model.allParameters, learningRate: KernelCases.learningRate, momentum: KernelCases.momentum)
    }

    /// Runs one step and returns its loss.
    @discardableResult
    func run() -> Float {
        optimizer.zeroGradients()
        let (value, gradient) = loss.loss(model.forward(input), labels: labels)
        model.accumulateParameterGradients(gradient)
        optimizer.step()
        return value
    }
}

/// The largest resident set size this process has had, in bytes (`getrusage`'s `ru_maxrss`, kB on Linux).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}
