import DLNN
import DLReport
import Foundation

/// One run of a comparison: what was trained and what came of it.
struct ComparedRun {
    /// The name in tables and legends: "Adam", "cosine".
    var name: String
    var spec: TrainingSpec
    /// nil when training stopped on a non-finite value.
    var outcome: TrainingOutcome?
    /// Why training stopped, when it did.
    var failure: String?
    /// The step whose loss or gradient became non-finite, when training diverged there.
    var divergedStep: Int?
}

/// Trains `spec`, turning a non-finite loss or gradient (a diverged run) into a failed `ComparedRun` rather than an error.
func trainCompared(_ spec: TrainingSpec, name: String, on data: DataSplits, progress: ProgressReporter.Mode, testEveryEpoch: Bool) throws -> ComparedRun {
    do {
        var outcome = try train(spec, on: data, progress: progress, testEveryEpoch: testEveryEpoch)
        // Keep the measurements, not the model: its workspaces take hundreds of MB at evaluation batch size.
        outcome.model = Sequential([])
        return ComparedRun(name: name, spec: spec, outcome: outcome)
    } catch let error as NonFiniteValueError {
        return ComparedRun(name: name, spec: spec, outcome: nil, failure: error.description, divergedStep: error.step)
    }
}

private extension NonFiniteValueError {
    /// The training step of a non-finite loss or gradient; nil for a validation loss.
    var step: Int? {
        switch self {
        case .loss(let step, _), .gradient(let step, _, _, _, _): step
        case .validationLoss: nil
        }
    }
}

extension DataSplits {
    /// The splits a run that chooses hyper-parameters sees: the first `trainingSize` training and
    /// `validationSize` validation images, and no test set (the test set never chooses anything).
    func tuningSplits(trainingSize: Int, validationSize: Int) -> DataSplits {
        var tuning = cut(toTrainingSize: trainingSize)
        tuning.validation = validation.prefix(min(validationSize, validation.count))
        tuning.test = test.prefix(0)
        return tuning
    }

    /// These splits with the training split cut to its first `size` images (nil: unchanged) and
    /// the input normalization recomputed on what remains.
    func cut(toTrainingSize size: Int?) -> DataSplits {
        guard let size, size < training.count else { return self }
        var result = self
        result.training = training.prefix(size)
        result.normalization = .perChannel(statisticsOf: result.training)
        return result
    }
}

/// "the first 15000 of 55000 training images; all 5000 validation and 10000 test images …".
func subsetDescription(_ data: DataSplits, availableTrainingImages available: Int) -> String {
    let used = data.training.count < available
        ? "the first \(data.training.count) of \(available) training images" : "all \(data.training.count) training images"
    return "\(used); \(data.validation.count) validation and \(data.test.count) test images (--train-size and --epochs train more)"
}

/// Why `run` did not reach `threshold` test accuracy, judged from its loss curve.
///
/// A loss that rose well above its first value points to a step too large, one that never left its
/// first value to dead units (or a step too small to matter); a loss still falling
/// at the end or a low training accuracy, to a step too small for the budget; a good training
/// accuracy with a poor held-out one, to steps too large for the weights to settle.
func diagnosis(of run: ComparedRun, threshold: Double) -> String {
    guard let outcome = run.outcome else {
        return "diverged (\(run.failure ?? "non-finite value")). The learning rate is too large for \(run.name)."
    }
    let raw = outcome.history.steps.map { Double($0.loss) }
    let smoothed = exponentialMovingAverage(raw, span: smoothingSpan)
    guard let first = raw.first, let final = smoothed.last else { return "did not train (no steps)." }
    let accuracy = "test accuracy \(percent(outcome.test.accuracy))"
    let path = "the training loss went from \(String(format: "%.3f", first)) (first step) to \(String(format: "%.3f", final)) (smoothed, at the end)"
    // The first step's loss is that of the initial weights (≈ ln 10 on 10 classes); a mean of 20 steps well above it is a blow-up.
    if let peak = smoothed.indices.max(by: { smoothed[$0] < smoothed[$1] }), smoothed[peak] > 1.5 * first {
        return "unstable (\(accuracy)): \(path), after rising to \(String(format: "%.3f", smoothed[peak])) around step \(peak + 1). "
            + "The learning rate is likely too large for \(run.name); try a smaller one."
    }
    if final >= 0.97 * first && (outcome.history.epochs.last?.trainingAccuracy ?? 0) < threshold {
        return "stuck at its initial loss (\(accuracy)): \(path). At a large learning rate this is a network whose units died early "
            + "(a ReLU network that outputs the same logits for every image); at a small one, steps too small to move it. "
            + "Compare \(run.name)'s rate with the entries that learned."
    }
    let window = max(1, raw.count / 10)
    let last = raw.suffix(window).reduce(0, +) / Double(window)
    let before = raw.dropLast(window).suffix(window)
    let stillFalling = !before.isEmpty && last < 0.9 * before.reduce(0, +) / Double(before.count)
    if stillFalling || (outcome.history.epochs.last?.trainingAccuracy ?? 0) < threshold {
        return "learned too slowly (\(accuracy)): \(path)\(stillFalling ? " and was still falling" : ", and training accuracy stayed below \(percent(threshold, decimals: 0)) too"). The learning rate is likely too small for \(run.name) "
            + "at this budget; try a larger learning rate or more training (--epochs, --train-size)."
    }
    return "did not settle (\(accuracy)): \(path) and training accuracy passed \(percent(threshold, decimals: 0)), but held-out accuracy stayed lower. "
        + "The learning rate is likely too large for the weights to settle; try a smaller one or a decaying schedule."
}

/// `value` as a percentage: 0.9712 → "97.12%".
func percent(_ value: Double, decimals: Int = 2) -> String {
    NumberFormat.percent(decimals).string(for: value)
}
