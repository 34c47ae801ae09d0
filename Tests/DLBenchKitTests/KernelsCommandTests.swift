import Foundation
import Testing
@testable import DLBenchKit
@testable import DLNN

@Suite("dlbench kernels")
struct KernelsCommandTests {
    @Test("a record has the peer harness's keys and its rounding")
    func recordSchema() throws {
        let measurement = KernelMeasurement(
            task: "linear_fwd", caseName: "128x784->512",
            timing: Timing(median: 0.00123456789, minimum: 0.001, repetitions: 7, firstCall: 0.002, timedSeconds: 0.0087, stealMilliseconds: 10),
            flops: 2 * 128 * 784 * 512, parameters: [("batch", .integer(128)), ("opt", .text("sgd"))],
            extra: [("images_per_s", 1234.56789)])
        let line = measurement.jsonLine()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "result")
        #expect(object["task"] as? String == "linear_fwd")
        #expect(object["case"] as? String == "128x784->512")
        #expect(object["impl"] as? String == "dlnn")
        #expect(object["ms"] as? Double == 1.23457)
        #expect(object["ms_min"] as? Double == 1.0)
        #expect(object["reps"] as? Int == 7)
        // 102,760,448 flops in 1.23456789 ms.
        #expect(object["gflops"] as? Double == 83.236)
        let params = try #require(object["params"] as? [String: Any])
        #expect(params["batch"] as? Int == 128 && params["opt"] as? String == "sgd")
        let extra = try #require(object["extra"] as? [String: Any])
        #expect(extra["images_per_s"] as? Double == 1234.568)
        #expect(extra["first_call_ms"] as? Double == 2.0)
        #expect(extra["timed_s"] as? Double == 0.009 && extra["steal_ms"] as? Double == 10.0)
        #expect(!line.contains("\n"))
    }

    @Test("no flop count is written as gflops null")
    func missingFlops() {
        let measurement = KernelMeasurement(
            task: "svd_vals", caseName: "512", timing: Timing(median: 0.1, minimum: 0.1, repetitions: 3, firstCall: 0.1),
            flops: nil, parameters: [])
        #expect(measurement.jsonLine().contains("\"gflops\":null"))
    }

    @Test("timing makes the minimum calls, then stops at the target")
    func timingPolicy() {
        var calls = 0
        let timing = measure(TimingPolicy(target: 0, warmup: 0, minimumRepetitions: 3)) { calls += 1 }
        // One first call, one warm-up call, three timed calls.
        #expect(calls == 5 && timing.repetitions == 3)
        #expect(timing.minimum <= timing.median)
    }

    @Test("the cases are the peer harness's")
    func caseNames() throws {
        #expect(KernelCases.linears.map(\.name) == ["128x784->512", "128x512->512", "128x4096->4096"])
        #expect(KernelCases.convolutions.map(\.name) == ["lenet_conv1", "lenet_conv2", "vgg_64x32x32", "vgg_128x16x16", "vgg_256x14x14"])
        // lenet_conv1: 2·64·6·28·28·1·5·5.
        #expect(KernelCases.convolutions[0].forwardFLOPs == 2 * 64 * 6 * 28 * 28 * 25)
        var generator = SeededGenerator(seed: 1)
        #expect(try KernelCases.smallCNN(generator: &generator).outputShape(for: [1, 1, 28, 28]) == [1, 10])
    }

    @Test("a training step lowers the loss on its fixed batch")
    func trainingStepLearns() {
        var generator = SeededGenerator(seed: 3)
        let step = TrainingStep(model: Models.mlp(sizes: [20, 16, 10]), inputShape: [8, 20], generator: &generator)
        let first = step.run()
        for _ in 0..<20 { step.run() }
        #expect(step.run() < first)
    }

    @Test("bad --tasks and --target are validation errors")
    func validation() {
        #expect(throws: (any Error).self) { try DLBench.parseAsRoot(["kernels", "--tasks", "sgemm,fft"]) }
        #expect(throws: (any Error).self) { try DLBench.parseAsRoot(["kernels", "--target", "0"]) }
        #expect(DLBench.run(arguments: ["kernels", "--tasks", "gemm"]) == 2)
    }
}
