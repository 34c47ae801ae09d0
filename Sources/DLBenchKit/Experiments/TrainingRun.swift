import DLDistributed
import DLNN
import DLReport
import Foundation

/// One training configuration: the building block every comparison varies one part of.
struct TrainingSpec {
    var model: ModelKind = .lenet5
    /// A model no `ModelKind` builds (a plain MLP with a chosen initialization, say); nil: `model`'s.
    var recipe: ModelRecipe?
    var optimizer: OptimizerKind = .momentum
    /// nil: the optimizer's default learning rate.
    var learningRate: Float?
    var schedule: ScheduleKind = .constant
    var norm: NormKind = .none
    var epochs = 3
    var batchSize = 64
    var weightDecay: Float = 0
    /// The dropout probability after each hidden activation of the MLP (other models have no dropout layers).
    var dropout: Float = 0
    var augmentation: Augmentation = .none
    var seed: UInt64 = 1
    /// Label smoothing ε of the cross-entropy; 0: one-hot targets.
    var labelSmoothing: Float = 0
    var mixup: Mixup?
    var earlyStopping: EarlyStopping?
    /// Whether the clean training split and the validation split are evaluated after every epoch (`FitCurves`).
    var tracksFit = false

    /// The learning rate actually used.
    var effectiveLearningRate: Float { learningRate ?? optimizer.defaultLearningRate }

    /// The model's name in tables and checks: the recipe's, or the `ModelKind`'s.
    var modelName: String { recipe?.name ?? model.rawValue }

    /// The model for `data`'s images and classes at this seed; throws a `RunError` when it cannot take the images.
    func makeModel(for data: DataSplits) throws -> Sequential {
        let (shape, classes) = (data.training.imageShape, data.training.classCount)
        do {
            if let recipe { return try recipe.make(shape, classes, seed) }
            return try model.make(imageShape: shape, classCount: classes, normalization: norm, dropout: dropout, seed: seed)
        } catch let error as ShapeError {
            throw RunError("--model \(modelName) cannot take the \(shapeText(shape)) images of \(data.name): \(error)")
        }
    }
}

/// A model built by a function rather than named by a `ModelKind`, for comparisons of what the
/// command line does not choose (initializations, dropout).
struct ModelRecipe {
    /// The name in tables, legends and initial-loss checks.
    var name: String
    /// The model for images of a shape and a class count, with its initial weights drawn from a seed.
    var make: (_ imageShape: TensorShape, _ classCount: Int, _ seed: UInt64) throws -> Sequential
}

/// What a training run produced.
struct TrainingOutcome {
    var spec: TrainingSpec
    var model: Sequential
    var history: TrainingHistory
    /// The test set, evaluated once, at the end (after every epoch with `testEveryEpoch`; this is the last).
    var test: Evaluation
    /// Test accuracy after each epoch; empty unless trained with `testEveryEpoch`.
    var testAccuracyPerEpoch: [Double] = []
    /// Wall-clock seconds of the training steps (evaluation excluded).
    var trainingSeconds: Double
    var parameterCount: Int
    /// The clean training and the validation evaluations after each epoch; empty unless the spec `tracksFit`.
    var fitCurves: [FitPoint] = []

    var imagesPerSecond: Double {
        let images = history.epochs.reduce(0.0) { $0 + $1.imagesPerSecond * $1.seconds }
        return images / max(trainingSeconds, 1e-9)
    }

    var finalTrainingLoss: Double { history.epochs.last?.trainingLoss ?? .nan }
}

/// The training split (clean) and the validation split evaluated after one epoch, with the plain cross-entropy.
struct FitPoint {
    var training: Evaluation
    var validation: Evaluation
}

/// Trains `spec` on `data` from the initial weights its seed determines, and evaluates the test set once.
///
/// Everything that depends on the data is checked before the first step and reported as a `RunError`:
/// images the model cannot take, a schedule longer than the run, a test set the model does not fit.
/// With `resume`, training continues from the checkpoint `last` in `checkpointDirectory` when it exists;
/// with `testEveryEpoch`, the test set is evaluated after every epoch (`TestAccuracyPerEpoch`).
/// With `dataParallel`, this process is one rank of an MPI job: it trains on its shard at
/// `spec.batchSize` per rank (`DataParallel`), and only rank 0 shows progress.
/// This is dlbench's one training loop: every subcommand that trains a network goes through it.
func train(
    _ spec: TrainingSpec, on data: DataSplits, progress: ProgressReporter.Mode, checkpointDirectory: URL? = nil,
    resume: Bool = false, testEveryEpoch: Bool = false, dataParallel: DataParallel? = nil
) throws -> TrainingOutcome {
    let model = try spec.makeModel(for: data)
    let optimizer = spec.optimizer.make(model.allParameters, learningRate: spec.learningRate, weightDecay: spec.weightDecay)
    let shard = dataParallel.map { DataShard(index: $0.communicator.rank, count: $0.communicator.size) } ?? .whole
    let shardCount = shard.sampleCount(orderCount: data.training.count, batchSize: spec.batchSize)
    let stepsPerEpoch = (shardCount + spec.batchSize - 1) / spec.batchSize
    let schedule = try spec.schedule.make(rate: spec.effectiveLearningRate, totalSteps: stepsPerEpoch * spec.epochs, stepsPerEpoch: stepsPerEpoch)
    let configuration = TrainingConfiguration(
        epochs: spec.epochs, batchSize: spec.batchSize, seed: spec.seed, augmentation: spec.augmentation, mixup: spec.mixup,
        earlyStopping: spec.earlyStopping, checkpointDirectory: checkpointDirectory)
    let testPerEpoch = testEveryEpoch && data.test.count > 0 ? TestAccuracyPerEpoch(test: data.test, normalization: data.normalization) : nil
    let fit = spec.tracksFit ? FitCurves(training: data.training, validation: data.validation, normalization: data.normalization) : nil
    let callbacks: [any TrainingCallback] = [TrainingProgress(mode: shard.index == 0 ? progress : .quiet)] + (testPerEpoch.map { [$0] } ?? []) + (fit.map { [$0] } ?? [])
    let trainer = Trainer(
        model: model, loss: SoftmaxCrossEntropy(labelSmoothing: spec.labelSmoothing), optimizer: optimizer, schedule: schedule,
        configuration: configuration, callbacks: callbacks)
    dataParallel?.attach(to: trainer)
    // An empty test set is the learning-rate search's (it scores on validation); `DataSplits.load` never gives one.
    let checkedSets = [("training", data.training, true), ("validation", data.validation, false)] + (data.test.count > 0 ? [("test", data.test, false)] : [])
    for (name, dataset, forTraining) in checkedSets {
        do {
            try trainer.validate(dataset, forTraining: forTraining)
        } catch {
            throw RunError("\(data.name), \(name) set: \(error)")
        }
    }
    if resume, let checkpointDirectory, FileManager.default.fileExists(atPath: Trainer.checkpointFile(in: checkpointDirectory, name: "last").path) {
        try trainer.resume(from: checkpointDirectory, name: "last")
    }
    let history = try trainer.fit(training: data.training, validation: data.validation, normalization: data.normalization)
    // Early stopping restores the best epoch's weights after the last epoch's test evaluation: test those.
    let test = (spec.earlyStopping == nil ? testPerEpoch?.last : nil) ?? trainer.evaluate(data.test, normalization: data.normalization)
    return TrainingOutcome(
        spec: spec, model: model, history: history, test: test, testAccuracyPerEpoch: testPerEpoch?.accuracies ?? [],
        trainingSeconds: history.epochs.reduce(0) { $0 + $1.seconds }, parameterCount: model.parameterCount,
        fitCurves: fit.map { zip($0.trainingEvaluations, $0.validationEvaluations).map(FitPoint.init) } ?? [])
}

/// Settings rows shared by the reports.
func settingsRows(_ spec: TrainingSpec, data: DataSplits) -> [(String, Cell)] {
    [
        ("data", .text(data.summary)),
        ("model", .text(spec.model.rawValue)),
        ("epochs", .integer(spec.epochs)),
        ("batch size", .integer(spec.batchSize)),
        ("seed", .integer(Int(spec.seed))),
        ("input normalization", .text("per-channel standardization, statistics of the training split")),
    ]
}

/// Training loss per step (log scale) and validation accuracy per epoch, one line per run.
func learningCurves(_ runs: [(name: String, history: TrainingHistory)]) -> (loss: LineChart, accuracy: LineChart) {
    let loss = LineChart(
        title: "Training loss", x: .init("step"), y: .init("mini-batch loss", scale: .log10),
        series: runs.map { run in
            .init(name: run.name, x: run.history.steps.map { Double($0.step) }, y: smoothedLoss(run.history))
        })
    let accuracy = LineChart(
        title: "Validation accuracy", x: .init("epoch"), y: .init("accuracy"),
        series: runs.map { run in
            .init(name: run.name, x: run.history.epochs.map { Double($0.epoch) }, y: run.history.epochs.map { $0.validationAccuracy ?? .nan })
        },
        showsMarkers: true)
    return (loss, accuracy)
}

/// The bias-corrected exponential moving average with span `span` (α = 2/(span + 1)):
///
///     m₀ = 0,   mₜ = (1 − α)·mₜ₋₁ + α·xₜ,   output mₜ / (1 − (1 − α)ᵗ)
///
/// so that noisy per-step losses read as a curve. The correction makes the first output x₁ and the
/// early ones the mean of what has been seen, with no kink where a trailing window fills up.
func exponentialMovingAverage(_ values: [Double], span: Int) -> [Double] {
    let decay = 1 - 2 / (Double(span) + 1)
    var average = 0.0, weight = 1.0
    return values.map { value in
        average = decay * average + (1 - decay) * value
        weight *= decay
        return average / (1 - weight)
    }
}
