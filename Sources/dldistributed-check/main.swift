// The MPI side of DLDistributedTests, started by `mpirun -np N dldistributed-check <mode> <output>`:
//
//   train <output> <none|local|synchronized> <steps>   trains a small MLP (BatchNorm absent, per-rank or
//       synchronized) for <steps> steps at a global batch of 64 (64 / N per rank) on synthetic images,
//       each rank initialized with its own seed; rank 0 writes the final weights, one per line.
//   shards <output>                                      every rank writes the sample indices of its shard
//       of epochs 0 and 1 (100 samples, batch 8 per rank) to <output>.<rank>, one epoch per line.
//   fail <output>                                        rank 1 throws in its second step; the job must abort.
//   allreduce <floats> <repetitions>                     rank 0 prints the mean time of an in-place allreduce
//       of <floats> Floats, started together after a barrier (a measurement, not run by the tests).
import DLDistributed
import DLNN
import Foundation

struct CheckFailure: Error, CustomStringConvertible {
    var description: String
}

/// Images of 2×4 bytes whose first two bytes are the sample index (low, high), with labels in 0..<3.
func syntheticImages(count: Int) -> ImageDataset {
    var generator = SeededGenerator(seed: 7)
    var bytes: [UInt8] = []
    var labels: [Int] = []
    for index in 0..<count {
        bytes += [UInt8(index % 256), UInt8(index / 256)]
        for _ in 0..<6 { bytes.append(UInt8(generator.nextIndex(below: 256))) }
        labels.append(generator.nextIndex(below: 3))
    }
    return ImageDataset(images: bytes, labels: labels, channels: 1, height: 2, width: 4, classCount: 3)
}

func model(batchNorm: Bool, seed: UInt64) -> Sequential {
    var generator = SeededGenerator(seed: seed)
    var layers: [any Layer] = [Flatten(), Dense(inputSize: 8, outputSize: 16, generator: &generator)]
    if batchNorm { layers.append(BatchNorm(features: 16)) }
    layers += [ReLU(), Dense(inputSize: 16, outputSize: 3, generator: &generator)]
    return Sequential(layers)
}

/// Fails on one rank's second step.
final class FailingCallback: TrainingCallback {
    let rank: Int
    init(rank: Int) { self.rank = rank }
    func afterBackward(_ context: TrainingContext) throws {
        if rank == 1 && context.step == 2 { throw CheckFailure(description: "rank 1 fails on purpose in step 2") }
    }
}

func write(_ lines: [String], to path: String) throws {
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
}

func train(world: Communicator, output: String, batchNorm: String, steps: Int, failing: Bool) throws {
    guard ["none", "local", "synchronized"].contains(batchNorm) else { throw CheckFailure(description: "unknown BatchNorm mode \(batchNorm)") }
    guard 64 % world.size == 0 else { throw CheckFailure(description: "64 is not divisible by \(world.size) ranks") }
    let network = model(batchNorm: batchNorm != "none", seed: UInt64(world.rank))
    let configuration = TrainingConfiguration(epochs: 1, batchSize: 64 / world.size, seed: 3)
    let trainer = Trainer(
        model: network, loss: SoftmaxCrossEntropy(),
        optimizer: SGD(network.allParameters, learningRate: 0.1, momentum: 0.9), configuration: configuration,
        callbacks: failing ? [FailingCallback(rank: world.rank)] : [])
    DataParallel(communicator: world, synchronizedBatchNorm: batchNorm == "synchronized").attach(to: trainer)
    try trainer.fit(training: syntheticImages(count: 64 * steps), validation: syntheticImages(count: 50), normalization: .unitRange)
    guard world.isRoot else { return }
    var lines: [String] = []
    for (path, parameter) in network.namedParameters() + network.namedBuffers() {
        lines += parameter.value.scalars.map { "\(path) \($0)" }
    }
    let validation = trainer.history.epochs.last!
    lines.append("validation-loss \(validation.validationLoss!)")
    try write(lines, to: output)
}

func timeAllreduce(world: Communicator, floats: Int, repetitions: Int) {
    var buffer = [Float](repeating: 1, count: floats)
    var seconds = 0.0
    for _ in 0..<repetitions {
        world.barrier()
        let start = DispatchTime.now()
        buffer.withUnsafeMutableBufferPointer { world.allreduceSum($0) }
        seconds += Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
    if world.isRoot {
        let mean = seconds / Double(repetitions)
        print("allreduce of \(floats) floats (\(4 * floats) bytes) over \(world.size) ranks: \(String(format: "%.1f", mean * 1e6)) µs mean of \(repetitions)")
    }
}

func shards(world: Communicator, output: String) throws {
    var batches = BatchIterator(
        dataset: syntheticImages(count: 100), batchSize: 8, seed: 11, normalization: .unitRange,
        shard: DataShard(index: world.rank, count: world.size))
    var lines: [String] = []
    for epoch in 0..<2 {
        batches.startEpoch(epoch)
        var indices: [Int] = []
        while let batch = batches.nextBatch() {
            for sample in 0..<batch.count {
                let pixels = batch.images.entry(sample).scalars
                indices.append(Int((pixels[0] * 255).rounded()) + 256 * Int((pixels[1] * 255).rounded()))
            }
        }
        lines.append(indices.map(String.init).joined(separator: " "))
    }
    try write(lines, to: "\(output).\(world.rank)")
}

let arguments = CommandLine.arguments
let world = try Communicator.world()
world.abortingOnError {
    guard arguments.count >= 3 else { throw CheckFailure(description: "usage: dldistributed-check train|shards|fail <output> … or allreduce <floats> <repetitions>") }
    switch arguments[1] {
    case "train":
        guard arguments.count == 5, let steps = Int(arguments[4]) else { throw CheckFailure(description: "usage: train <output> <none|local|synchronized> <steps>") }
        try train(world: world, output: arguments[2], batchNorm: arguments[3], steps: steps, failing: false)
    case "shards": try shards(world: world, output: arguments[2])
    case "allreduce":
        guard arguments.count == 4, let repetitions = Int(arguments[3]), let floats = Int(arguments[2]), floats > 0, repetitions > 0 else {
            throw CheckFailure(description: "usage: allreduce <floats> <repetitions>")
        }
        timeAllreduce(world: world, floats: floats, repetitions: repetitions)
    case "fail": try train(world: world, output: arguments[2], batchNorm: "none", steps: 4, failing: true)
    default: throw CheckFailure(description: "unknown mode \(arguments[1])")
    }
}
world.finalize()
