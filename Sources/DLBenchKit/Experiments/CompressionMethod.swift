import DLNN
import DLReport
import Foundation

/// The compression families `dlbench compress --method` runs. Adding one is a case here and a
/// file with its `CompressionMethodExperiment`.
enum CompressionMethod: String, CaseIterable {
    case lowrank, prune, pipeline

    /// The experiment that measures the method.
    var experiment: any CompressionMethodExperiment {
        switch self {
        case .lowrank: LowRankExperiment()
        case .prune: PruningExperiment()
        case .pipeline: DeepCompressionExperiment()
        }
    }
}

/// One compression family measured on the baselines of a `CompressionWorkbench`.
protocol CompressionMethodExperiment {
    /// Runs every seed and model of `workbench.settings` and returns the rows, extra tables and verdicts.
    func run(_ workbench: CompressionWorkbench) throws -> CompressionSection
}

/// What one method contributes to the report.
struct CompressionSection {
    var title: String
    /// What was done, for the report.
    var description: String
    var rows: [CompressionRow]
    var tables: [(title: String, table: Table)] = []
    var verdicts: [ClaimVerdict]
}

/// One model variant, measured over the seeds.
struct CompressionRow {
    var model: CompressionModel
    var variant: String
    /// Stored parameters: all of a dense or factorized model, the kept weights and biases of a pruned one.
    var parameters: Int
    /// Size of the model's checkpoint file.
    var bytes: Int
    /// Forward FLOPs per image (a pruned layer counts only its kept weights).
    var flops: Int
    var latency: Latency
    /// Test accuracy over the seeds right after compression, and after fine-tuning (nil: none).
    var accuracyBefore: Summary
    var accuracyAfter: Summary?
    /// The baseline's parameters over this row's.
    var ratio: Double
    /// The compression ratio of the layers the method changed, when it is not the whole model's.
    var layersRatio: Double?
    var note = ""
}

/// "claim — measured — verdict" for one published result.
struct ClaimVerdict {
    var claim: String
    var source: String
    var measured: String
    var verdict: Verdict

    var line: String { "\(claim) (\(source)) — \(measured) — \(verdict.rawValue)" }
}

/// The baseline row of `model` and its row whose variant starts with `prefix`, with that row's
/// fine-tuned accuracy and the points lost against the baseline (as a fraction); nil if either is missing.
func comparedToBaseline(
    _ rows: [CompressionRow], model: CompressionModel, variant prefix: String
) -> (baseline: CompressionRow, row: CompressionRow, after: Summary, lost: Double)? {
    guard let baseline = rows.first(where: { $0.model == model && $0.variant.hasPrefix("baseline") }),
          let row = rows.first(where: { $0.model == model && $0.variant.hasPrefix(prefix) }), let after = row.accuracyAfter
    else { return nil }
    return (baseline, row, after, baseline.accuracyBefore.mean - after.mean)
}

/// Time per forward pass in evaluation mode, median of repeated runs, in seconds.
struct Latency {
    var batchOne: Double
    var batchSixtyFour: Double
}

/// Median seconds per forward pass in evaluation mode, for batches of 1 and 64 (after one warm-up pass each).
func measureLatency(_ model: any Layer, imageShape: TensorShape, repeats: Int) -> Latency {
    model.setTraining(false)
    defer { model.setTraining(true) }
    var generator = SeededGenerator(seed: 0)
    func median(batch: Int) -> Double {
        let input = Tensor.randomNormal([batch] + imageShape, using: &generator)
        _ = model.forward(input)
        let clock = ContinuousClock()
        let times = (0..<max(repeats, 1)).map { _ in
            let duration = clock.measure { _ = model.forward(input) }
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }.sorted()
        return times[times.count / 2]
    }
    return Latency(batchOne: median(batch: 1), batchSixtyFour: median(batch: 64))
}

/// Collects one variant's measurements seed by seed, in the order variants first appear.
struct VariantCollector {
    private(set) var order: [String] = []
    private var first: [String: CompressionRow] = [:]
    private var before: [String: [Double]] = [:]
    private var after: [String: [Double]] = [:]

    /// Adds a seed's measurement; sizes, FLOPs and latency are kept from the first seed.
    mutating func add(_ row: CompressionRow, before accuracy: Double, after fineTuned: Double?) {
        let key = "\(row.model.rawValue)/\(row.variant)"
        if first[key] == nil {
            order.append(key)
            first[key] = row
        }
        before[key, default: []].append(accuracy)
        if let fineTuned { after[key, default: []].append(fineTuned) }
    }

    /// The rows with their accuracies summarized over the seeds.
    var rows: [CompressionRow] {
        order.map { key in
            var row = first[key]!
            row.accuracyBefore = Summary(before[key]!)
            row.accuracyAfter = after[key].map(Summary.init)
            return row
        }
    }
}
