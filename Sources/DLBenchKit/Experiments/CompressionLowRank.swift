import DLNN
import DLReport
import Foundation

/// Low-rank factorization by truncated SVD (Denton et al., 2014) of every eligible layer: each
/// `Dense` and `Conv2D` except the output layer, whose rank is at most the number of classes (a
/// ratio target squeezes a 10-way classifier to rank 1–4). One sweep of target ratios, every
/// eligible layer at the same target; a layer no rank brings to the target stays whole (the
/// per-layer table says so), and the sweep stops once the ranks stop changing (rank 1 everywhere
/// reachable), so no level is the same model twice. Each point is fine-tuned at the rate of the
/// grid with the best validation accuracy.
struct LowRankExperiment: CompressionMethodExperiment {
    func run(_ workbench: CompressionWorkbench) throws -> CompressionSection {
        let settings = workbench.settings
        var collector = VariantCollector()
        var layerTable = Table(headers: ["model", "target", "layer", "rank", "parameters", "after", "energy", "relative error", "note"])
        var points: [String: (dense: Double?, convolution: Double?)] = [:]
        var stopped: [String] = []
        for kind in settings.models {
            let paths = try eligiblePaths(kind)
            for seed in settings.seeds {
                collector.add(try workbench.baselineRow(kind, seed: seed), before: try workbench.baseline(kind, seed: seed).accuracy, after: nil)
            }
            var previous: [String: Int]?
            for level in settings.lowRankLevels {
                var ranks: [String: Int]?
                for (index, seed) in settings.seeds.enumerated() {
                    let baseline = try workbench.baseline(kind, seed: seed)
                    let policy = CompressionPolicy(layers: .paths(paths), rank: .compressionRatio(level), convolutionScheme: settings.convolutionScheme)
                    let result = try compress(try workbench.freshCopy(kind, seed: seed), inputShape: workbench.inputShape, policy: policy)
                    let structure = result.layers.filter(\.isFactorized).reduce(into: [String: Int]()) { $0[$1.path] = $1.rank }
                    if index == 0 {
                        guard structure != previous, !structure.isEmpty else { break }
                        ranks = structure
                        for layer in result.layers {
                            layerTable.append([
                                .text(kind.rawValue), .text("\(ratioText(level))"), .text("\(layer.path) \(layer.layer)"),
                                layer.rank.map { .text("\($0) of \(layer.maximumRank ?? 0)") } ?? .missing,
                                .integer(layer.parametersBefore), .integer(layer.parametersAfter),
                                layer.retainedEnergy.map { .number($0, .percent(1)) } ?? .missing,
                                layer.relativeError.map { .number($0, .fixed(3)) } ?? .missing, .text(layer.skipReason ?? ""),
                            ])
                        }
                    }
                    let model = result.model
                    let before = workbench.evaluate(model)
                    let file = workbench.directory.appendingPathComponent("lowrank-\(kind.rawValue)-\(level)-seed\(seed).safetensors")
                    try model.saveWeights(to: file)
                    let fineTuned = try workbench.fineTune("low-rank \(kind.rawValue) at \(ratioText(level)), seed \(seed)", seed: seed) {
                        (try compress(try workbench.freshCopy(kind, seed: seed), inputShape: workbench.inputShape, policy: result.structure).model, [])
                    }
                    let key = "\(kind.rawValue)/\(ratioText(level))"
                    points[key] = (kindRatio(result.layers, "Dense"), kindRatio(result.layers, "Conv2D"))
                    collector.add(CompressionRow(
                        model: kind, variant: "target \(ratioText(level))", parameters: model.parameterCount, bytes: try workbench.fileSize(file),
                        flops: model.forwardFLOPs(for: workbench.inputShape), latency: workbench.latency(model), accuracyBefore: Summary([]),
                        ratio: Double(baseline.parameters) / Double(model.parameterCount), layersRatio: result.compressionRatio,
                        note: "dense \(points[key]!.dense.map(ratioText) ?? "–"), conv \(points[key]!.convolution.map(ratioText) ?? "–"); fine-tune η = \(fineTuned.rate)"),
                        before: before, after: fineTuned.accuracy)
                }
                guard let ranks else {
                    stopped.append("\(kind.rawValue): stopped before target \(ratioText(level)): the ranks would repeat the previous level's")
                    break
                }
                previous = ranks
            }
        }
        let rows = collector.rows
        return CompressionSection(
            title: "Low-rank factorization (truncated SVD)",
            description: """
                Every Dense and Conv2D except the output layer is factorized at each target ratio (largest rank with at least \
                that many times fewer parameters; convolutions with the `\(settings.convolutionScheme.rawValue)` scheme), \
                then fine-tuned for \(settings.fineTuneEpochs) epoch(s) on \(workbench.fineTuneSet.count) images at the rate of \
                \(settings.fineTuneRates.map { "\($0)" }.joined(separator: ", ")) with the best validation accuracy. "ratio" is the \
                whole model's, "layers" that of the factorized layers; the note gives the ratio of the dense and convolutional \
                layers separately. \(stopped.isEmpty ? "" : stopped.joined(separator: "; ") + ".")
                """,
            rows: rows, tables: [("Low-rank: per layer (first seed)", layerTable)],
            verdicts: verdicts(rows, points: points, models: settings.models))
    }

    /// The Dense and Conv2D layers of `kind` but the last (the output layer).
    private func eligiblePaths(_ kind: CompressionModel) throws -> [String] {
        let model = try kind.make(seed: 0)
        return Array(model.namedModules().filter { $0.module is Dense || $0.module is Conv2D }.map(\.path).dropLast())
    }

    /// Parameters before over after of the reported layers whose summary starts with `prefix`; nil when there are none.
    private func kindRatio(_ layers: [LayerCompressionReport], _ prefix: String) -> Double? {
        let selected = layers.filter { $0.layer.hasPrefix(prefix) }
        guard !selected.isEmpty else { return nil }
        return Double(selected.reduce(0) { $0 + $1.parametersBefore }) / Double(selected.reduce(0) { $0 + $1.parametersAfter })
    }

    /// Denton et al.'s claims: dense layers ≥ 5×, convolutions ≥ 2×, at most 1 point lost after fine-tuning.
    private func verdicts(_ rows: [CompressionRow], points: [String: (dense: Double?, convolution: Double?)], models: [CompressionModel]) -> [ClaimVerdict] {
        var verdicts: [ClaimVerdict] = []
        for kind in models {
            guard let baseline = rows.first(where: { $0.model == kind && $0.variant.hasPrefix("baseline") }) else { continue }
            let compressed = rows.filter { $0.model == kind && !$0.variant.hasPrefix("baseline") }
            let claims: [(String, Double, KeyPath<(dense: Double?, convolution: Double?), Double?>)] =
                kind == .lenet5 ? [("dense", 5, \.dense), ("convolutional", 2, \.convolution)] : [("dense", 5, \.dense)]
            for (name, target, path) in claims {
                let within = compressed.filter { ($0.accuracyAfter?.mean ?? 0) >= baseline.accuracyBefore.mean - 0.01 }
                let best = within.compactMap { row in points["\(kind.rawValue)/\(row.variant.dropFirst("target ".count))"]?[keyPath: path].map { (row, $0) } }
                    .max { $0.1 < $1.1 }
                let measured = best.map { row, ratio in
                    "\(kind.rawValue): \(name) layers \(ratioText(ratio)) at \(row.variant), \(row.accuracyAfter!.percentText()) vs baseline \(baseline.accuracyBefore.percentText())"
                } ?? "\(kind.rawValue): no level stays within 1 point of the baseline's \(baseline.accuracyBefore.percentText())"
                verdicts.append(ClaimVerdict(
                    claim: "\(name) layers ≥ \(Int(target))× with ≤ 1 point lost", source: "Denton et al., 2014", measured: measured,
                    verdict: (best?.1 ?? 0) >= target ? .reproduced : .notReproduced))
            }
        }
        return verdicts
    }
}

/// `5×`, `2.4×`.
func ratioText(_ value: Double) -> String {
    value == value.rounded() && value < 1000 ? "\(Int(value))×" : NumberFormat.fixed(1).string(for: value) + "×"
}
