import DLNN
import DLReport
import Foundation

/// The first two steps of the course's recipe for training a network (CS231n, lecture 11;
/// Karpathy, "A recipe for training neural networks", 2019), for every preset:
/// 1. check the initial loss: a freshly initialized classifier should predict about uniformly,
///    a cross-entropy of ln(classes);
/// 2. overfit one small batch: with regularization off, the model must drive one batch of a few
///    dozen images to 100% training accuracy, or something is broken (the model, the loss, the data, the update).
struct SanityCheck {
    struct Settings {
        var models: [(ModelKind, NormKind)] = ModelKind.allCases.map { ($0, .none) } + [(.vgg, .batch), (.resnet, .batch)]
        /// Images of the one batch to overfit (the first training images).
        var batchSize = 32
        /// The most Adam steps the batch gets.
        var maximumSteps = 300
        var learningRate: Float = 1e-3
        var seed: UInt64 = 1

        /// The two smallest presets on 16 images: seconds even in a debug build.
        static var quick: Settings { Settings(models: [(.mlp, .none), (.lenet5, .none)], batchSize: 16, maximumSteps: 100) }
    }

    /// One preset's checks.
    struct Result {
        var name: String
        var initialLoss: InitialLossCheck
        /// The loss of the batch at every step, before the step's update.
        var losses: [Double]
        /// The first step whose batch was classified 100% correctly (before its update); nil: never.
        var stepsToMemorize: Int?
    }

    var settings: Settings
    var dataName: String
    var classCount: Int
    var results: [Result]
    var wallSeconds: Double

    /// Runs both checks for every model of `settings` on `data`.
    init(_ settings: Settings, on data: DataSplits, progress: ProgressReporter.Mode) throws {
        let start = Date()
        self.settings = settings
        dataName = data.name
        classCount = data.training.classCount
        let batchData = data.training.prefix(min(settings.batchSize, data.training.count))
        var batches = BatchIterator(dataset: batchData, batchSize: batchData.count, shuffle: false, normalization: data.normalization)
        batches.startEpoch(0)
        guard let batch = batches.nextBatch() else { throw RunError("\(data.name): no training images to overfit") }
        results = try settings.models.map { kind, norm in
            let spec = TrainingSpec(model: kind, norm: norm, seed: settings.seed)
            let check = try InitialLossCheck.measure(spec, on: data)
            if progress != .quiet { FileHandle.standardError.write(Data("sanity: \(check.text)\n".utf8)) }
            let model = try spec.makeModel(for: data)
            let trainer = Trainer(
                model: model, loss: SoftmaxCrossEntropy(), optimizer: Adam(model.allParameters, learningRate: settings.learningRate),
                configuration: TrainingConfiguration(epochs: 1, batchSize: batch.count, seed: settings.seed))
            var losses: [Double] = [], memorized: Int?
            for step in 1...settings.maximumSteps {
                let (loss, correct) = try trainer.trainStep(inputs: batch.images, targets: .labels(batch.labels))
                losses.append(Double(loss))
                if correct == batch.count {
                    memorized = step
                    break
                }
            }
            return Result(name: check.model, initialLoss: check, losses: losses, stepsToMemorize: memorized)
        }
        wallSeconds = Date().timeIntervalSince(start)
    }

    var table: Table {
        var table = Table(headers: ["model", "initial loss", "ln(classes)", "deviation", "within 10%", "steps to 100% on the batch", "loss then"])
        for result in results {
            let check = result.initialLoss
            table.append([
                .text(result.name), .number(check.loss, .fixed(3)), .number(check.expected, .fixed(3)),
                .number((check.loss - check.expected) / check.expected, .percent(1)), .text(check.isWithinTolerance ? "yes" : "no"),
                result.stepsToMemorize.map { .integer($0) } ?? .text("not in \(settings.maximumSteps)"), .number(result.losses.last ?? .nan, .fixed(4)),
            ])
        }
        return table
    }

    /// The two claims with their verdicts.
    var claims: [(statement: String, measured: String, verdict: Verdict)] {
        let off = results.filter { !$0.initialLoss.isWithinTolerance }
        let initial = results.map { "\($0.name) \(String(format: "%.3f", $0.initialLoss.loss))" }.joined(separator: ", ")
        let failed = results.filter { $0.stepsToMemorize == nil }
        let steps = results.map { "\($0.name) \($0.stepsToMemorize.map(String.init) ?? "never (loss \(String(format: "%.3f", $0.losses.last ?? .nan)))")" }.joined(separator: ", ")
        return [
            ("Every preset starts within 10% of ln(classes) = \(String(format: "%.3f", log(Double(classCount))))",
             "initial loss on the first \(InitialLossCheck.sampleSize) validation images: \(initial)"
                + (off.isEmpty ? "." : "; off by more than 10%: \(off.map(\.name).joined(separator: ", "))."),
             off.isEmpty ? .reproduced : .notReproduced),
            ("Every preset overfits one batch of \(results.first.map { _ in settings.batchSize } ?? 0) images to 100% training accuracy within \(settings.maximumSteps) steps",
             "steps of Adam (η = \(settings.learningRate)) until the batch was classified 100% correctly: \(steps)"
                + (failed.isEmpty ? "." : "; not memorized: \(failed.map(\.name).joined(separator: ", "))."),
             failed.isEmpty ? .reproduced : .notReproduced),
        ]
    }

    var summary: String {
        let passed = claims.filter { $0.verdict == .reproduced }.count
        return "Sanity checks of \(results.count) presets on \(dataName): \(passed) of 2 checks pass for every preset. "
            + String(format: "Wall time %.1f s.", wallSeconds)
    }

    func report() -> Report {
        var report = Report(title: "dlbench sanity", summary: summary)
        report.addParagraph("The first two steps of the course's recipe (CS231n lecture 11; Karpathy, 2019): check that the initial loss is "
            + "ln(classes), the loss of a uniform prediction, and that the model, with regularization off, can overfit one small batch. "
            + "A model that fails either has a bug or an initialization to fix before any tuning.")
        report.addSettings([
            ("data", .text(dataName)),
            ("batch", .text("the first \(settings.batchSize) training images, input normalization of the training split, no augmentation")),
            ("optimizer", .text("Adam, η = \(settings.learningRate), at most \(settings.maximumSteps) steps, stopping at the first step whose batch is classified 100% correctly (training mode, before that step's update)")),
            ("seed", .integer(Int(settings.seed))),
        ])
        report.addTable(table, title: "Initial loss and one-batch overfitting per preset")
        for claim in claims {
            report.addHeading("Claim: \(claim.statement)")
            report.addParagraph("""
                - **Claim:** \(claim.statement) (the course, CS231n lecture 11, steps 1–2)
                - **Setting:** \(dataName), seed \(settings.seed)
                - **Measured:** \(claim.measured)
                - **Verdict:** \(claim.verdict.rawValue)
                """)
        }
        report.addPlot(
            LineChart(title: "Overfitting one batch", x: .init("step"), y: .init("batch loss", scale: .log10),
                      series: results.map { .init(name: $0.name, x: $0.losses.indices.map { Double($0 + 1) }, y: $0.losses) }),
            fileName: "overfit-one-batch.svg", caption: "The loss of the one batch at every Adam step (before the step's update), log scale; each line ends where the batch was first classified 100% correctly.")
        report.addMachine(MachineInfo.current())
        return report
    }
}
