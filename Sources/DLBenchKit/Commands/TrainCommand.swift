import ArgumentParser
import DLDistributed
import DLNN
import DLReport
import Foundation

/// `dlbench train`: trains one configuration and reports it.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one configuration (model, optimizer, schedule, normalization, regularization, augmentation) and report it.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Model: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelKind = .lenet5

    @Option(help: "Optimizer: \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer: OptimizerKind = .momentum

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Learning rate (default: the optimizer's default).")
    var learningRate: Float?

    @Option(help: "Learning-rate schedule: \(ScheduleKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedule: ScheduleKind = .constant

    @Option(help: "Normalization after each convolution (vgg, resnet): \(NormKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var norm: NormKind = .none

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "L2 weight decay λ (AdamW: decoupled).")
    var weightDecay: Float = 0

    @Option(name: .customLong("train-size"), parsing: .unconditional, help: "Training images used, the first of the training split (default: all).")
    var trainSize: Int?

    @Flag(help: "Augment training images with random translations of up to 2 pixels.")
    var augment = false

    @Flag(help: "One rank of a data-parallel MPI job: start with `mpirun -np N dlbench train … --distributed`. Each rank trains on its shard at --batch-size (the global batch is N times larger); rank 0 prints, writes the report and the checkpoints.")
    var distributed = false

    @Flag(name: .customLong("sync-batchnorm"), help: "With --distributed and --norm batch: normalize with the statistics of the global batch (all ranks) instead of each rank's.")
    var synchronizedBatchNorm = false

    @Flag(help: "Continue from <out>/checkpoints/last.safetensors if it exists (same flags as the interrupted run); the result is the same, bit for bit, as a run never interrupted.")
    var resume = false

    func validate() throws {
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number, got \(learningRate)")
        }
        if !(weightDecay >= 0 && weightDecay.isFinite) { throw ValidationError("--weight-decay must not be negative, got \(weightDecay)") }
        try checkRange(trainSize, 1...10_000_000, option: "--train-size")
        if synchronizedBatchNorm && !distributed { throw ValidationError("--sync-batchnorm needs --distributed") }
    }

    func run() throws {
        guard distributed else { return try train(dataParallel: nil) }
        // MPI starts only here: a run without --distributed never initializes it. An error on one
        // rank ends every rank (MPI_Abort) instead of leaving the others in an allreduce.
        let world = try Communicator.world()
        world.abortingOnError {
            try train(dataParallel: DataParallel(communicator: world, synchronizedBatchNorm: synchronizedBatchNorm))
        }
        world.finalize()
    }

    private func train(dataParallel: DataParallel?) throws {
        let isRoot = dataParallel?.communicator.isRoot ?? true
        let ranks = dataParallel?.communicator.size ?? 1
        let directory = try common.outputDirectory(for: "train")
        let data = try common.loadData().cut(toTrainingSize: trainSize)
        let spec = TrainingSpec(
            model: model, optimizer: optimizer, learningRate: learningRate, schedule: schedule, norm: norm,
            epochs: common.epochs ?? (common.quick ? 1 : 3), batchSize: common.batchSize ?? 64, weightDecay: weightDecay,
            augmentation: augment ? Augmentation(maxTranslation: 2) : .none, seed: common.seed)
        let outcome = try DLBenchKit.train(
            spec, on: data, progress: common.progressMode, checkpointDirectory: directory.appendingPathComponent("checkpoints"),
            resume: resume, dataParallel: dataParallel)
        guard isRoot else { return }

        var table = Table(headers: ["epoch", "training loss", "training accuracy", "validation loss", "validation accuracy", "learning rate", "seconds", "images/s"])
        for epoch in outcome.history.epochs {
            table.append([
                .integer(epoch.epoch), .number(epoch.trainingLoss, .fixed(4)), .number(epoch.trainingAccuracy, .percent(2)),
                epoch.validationLoss.map { .number($0, .fixed(4)) } ?? .missing,
                epoch.validationAccuracy.map { .number($0, .percent(2)) } ?? .missing,
                Cell(epoch.learningRate, format: .significant(3)), .number(epoch.seconds, .fixed(1)), .number(epoch.imagesPerSecond, .fixed(0)),
            ])
        }
        printTable(table, format: common.format)
        // Every rank trains as fast as rank 0 (they wait for each other in every allreduce).
        var summary = "\(model.rawValue) with \(optimizer.displayName) (η = \(spec.effectiveLearningRate), \(schedule.displayName)): "
            + "test accuracy \(NumberFormat.percent(2).string(for: outcome.test.accuracy)) after \(spec.epochs) epochs, "
            + "\(Int(outcome.imagesPerSecond * Double(ranks))) images/s"
        if let dataParallel {
            let milliseconds = 1000 * dataParallel.allreduceSeconds / Double(max(dataParallel.allreduceCount, 1))
            summary += " on \(ranks) ranks (batch \(spec.batchSize) each), \(NumberFormat.fixed(2).string(for: milliseconds)) ms per step in the gradient allreduce"
        }
        summary += "."
        if common.format == .table { print(summary) }

        var report = Report(title: "dlbench train", summary: summary)
        report.addSettings(settingsRows(spec, data: data) + [
            ("optimizer", .text(optimizer.displayName)), ("learning rate", Cell(spec.effectiveLearningRate, format: .significant(3))),
            ("schedule", .text(schedule.displayName)), ("normalization", .text(norm.displayName)),
            ("weight decay", Cell(weightDecay, format: .significant(3))), ("augmentation", .text(augment ? "translations ≤ 2 px" : "none")),
            ("parameters", .integer(outcome.parameterCount)),
            ("processes", .text(dataParallel.map { "\(ranks) MPI ranks, data-parallel\($0.synchronizedBatchNorm ? ", synchronized BatchNorm" : "")" } ?? "1")),
        ])
        report.addTable(table, title: "Per epoch")
        var testTable = Table(headers: ["test loss", "test accuracy", "top-5 accuracy", "images"])
        testTable.append([.number(outcome.test.loss, .fixed(4)), .number(outcome.test.accuracy, .percent(2)),
                          .number(outcome.test.topFiveAccuracy, .percent(2)), .integer(outcome.test.sampleCount)])
        report.addTable(testTable, title: "Test set (evaluated once, at the end)")
        report.addTable(perClassTable(outcome.test.confusion), title: "Per class on the test set")
        let curves = learningCurves([(name: optimizer.displayName, history: outcome.history)])
        report.addPlot(curves.loss, fileName: "loss.svg", caption: "Training loss per step (moving average of 20 steps), log scale.")
        report.addPlot(curves.accuracy, fileName: "validation-accuracy.svg", caption: "Validation accuracy after each epoch.")
        report.addParagraph("The model's weights are in `checkpoints/best.safetensors` and `checkpoints/last.safetensors` (PyTorch names and layouts); the per-step and per-epoch history is in `history-steps.csv`, `history-epochs.csv` and `history.json`.")
        report.addMachine(MachineInfo.current())
        try report.write(to: directory)
        try AtomicFile.write(Data(outcome.history.stepsCSV().utf8), to: directory.appendingPathComponent("history-steps.csv"))
        try AtomicFile.write(Data(outcome.history.epochsCSV().utf8), to: directory.appendingPathComponent("history-epochs.csv"))
        try AtomicFile.write(try outcome.history.jsonData(), to: directory.appendingPathComponent("history.json"))
        if common.format == .table { print("Report: \(directory.appendingPathComponent("report.md").path)") }
    }
}

/// Precision and recall of each class.
func perClassTable(_ confusion: ConfusionMatrix) -> Table {
    var table = Table(headers: ["class", "precision", "recall", "samples"])
    for c in 0..<confusion.classCount {
        table.append([.integer(c), .number(confusion.precision(ofClass: c), .percent(2)), .number(confusion.recall(ofClass: c), .percent(2)),
                      .integer(confusion.counts[c].reduce(0, +))])
    }
    return table
}
