import DLNN
import DLReport
import Foundation

/// Magnitude pruning (Han et al., 2015): each layer pruned to the kept fraction the paper reports
/// for it, in `pruneRounds` prune–retrain rounds (the same fraction of the remaining weights removed
/// each round, masks enforced during retraining), and, for comparison, one global threshold
/// removing the same number of weights in total. "Before fine-tuning" is the same final sparsity
/// reached in one shot with no retraining.
struct PruningExperiment: CompressionMethodExperiment {
    /// Han et al.'s (2015) kept fraction per layer path (Table 2 and 3).
    static func paperKeptFractions(_ kind: CompressionModel) -> [String: Double] {
        switch kind {
        case .lenet300: ["1": 0.08, "3": 0.09, "5": 0.26]
        case .lenet5: ["features.0": 0.66, "features.2": 0.12, "classifier.1": 0.08, "classifier.3": 0.19]
        }
    }

    /// The paper's parameters before and after pruning and test errors before and after.
    static func paperResult(_ kind: CompressionModel) -> (before: String, after: String, ratio: Double, errors: String) {
        switch kind {
        case .lenet300: ("267K", "22K", 12, "error 1.64% → 1.59%")
        case .lenet5: ("431K", "36K", 12, "error 0.80% → 0.77%")
        }
    }

    /// The two targets: the paper's per-layer fractions, and one global threshold with the same total.
    static func targets(_ kind: CompressionModel) throws -> [(name: String, target: PruningTarget)] {
        let kept = paperKeptFractions(kind)
        let model = try kind.make(seed: 0)
        let weights = model.namedModules().compactMap { path, module -> (String, Int)? in
            guard let count = (module as? Dense)?.weight.count ?? (module as? Conv2D)?.weight.count else { return nil }
            return (path, count)
        }
        let total = weights.reduce(0) { $0 + $1.1 }
        let keptTotal = weights.reduce(0.0) { $0 + Double($1.1) * (kept[$1.0] ?? 1) }
        return [
            ("per-layer (paper's kept fractions)", .perLayer(sparsities: kept.mapValues { 1 - $0 }, default: 0)),
            ("global threshold (same total)", .global(sparsity: 1 - keptTotal / Double(total))),
        ]
    }

    func run(_ workbench: CompressionWorkbench) throws -> CompressionSection {
        let settings = workbench.settings
        var collector = VariantCollector()
        var keptTable = Table(headers: ["model", "variant", "layer", "weights", "kept (paper)", "kept (measured)"])
        for kind in settings.models {
            for seed in settings.seeds {
                collector.add(try workbench.baselineRow(kind, seed: seed), before: try workbench.baseline(kind, seed: seed).accuracy, after: nil)
                for (name, target) in try Self.targets(kind) {
                    let oneShot = try workbench.freshCopy(kind, seed: seed)
                    _ = magnitudePrune(oneShot, target: target)
                    let before = workbench.evaluate(oneShot)
                    let pruned = try workbench.pruned(kind, seed: seed, variant: name, target: target)
                    let file = workbench.directory.appendingPathComponent("pruned-\(kind.rawValue)-\(name.prefix(6))-seed\(seed).safetensors")
                    let bytes = try pruned.model.saveSparseWeights(to: file, masks: pruned.masks)
                    let baseline = try workbench.baseline(kind, seed: seed)
                    let parameters = storedParameters(pruned.model, pruned.masks)
                    collector.add(CompressionRow(
                        model: kind, variant: name, parameters: parameters, bytes: bytes,
                        flops: try sparseFLOPs(pruned.model, masks: pruned.masks, inputShape: workbench.inputShape),
                        latency: workbench.latency(pruned.model), accuracyBefore: Summary([]),
                        ratio: Double(baseline.parameters) / Double(parameters), layersRatio: 1 / pruned.masks.keptFraction,
                        note: "\(settings.pruneRounds) round(s), retrain η = \(pruned.rate); dense kernels (no sparse speed-up)"),
                        before: before, after: pruned.accuracy)
                    if seed == settings.seeds[0] {
                        let paper = Self.paperKeptFractions(kind)
                        for entry in pruned.masks.entries {
                            keptTable.append([
                                .text(kind.rawValue), .text(name), .text("\(entry.layerPath) \(entry.layer)"), .integer(entry.kept.count),
                                paper[entry.layerPath].map { .number($0, .percent(0)) } ?? .missing, .number(entry.keptFraction, .percent(1)),
                            ])
                        }
                    }
                }
            }
        }
        let rows = collector.rows
        return CompressionSection(
            title: "Magnitude pruning",
            description: """
                Weights (not biases) of every Dense and Conv2D pruned by magnitude in \(settings.pruneRounds) prune–retrain round(s), \
                each retraining \(settings.fineTuneEpochs) epoch(s) on \(workbench.fineTuneSet.count) images with the masks enforced \
                after every step (the retraining rate chosen on validation among \(settings.fineTuneRates.map { "\($0)" }.joined(separator: ", "))). \
                "before" is the final sparsity in one shot without retraining. Parameters count kept weights and all biases; bytes are \
                the sparse checkpoint (F32 kept values, relative indices at 8 bits for convolutions and 5 for dense layers); FLOPs \
                count the kept weights only; latency runs the dense kernels on the zeroed weights.
                """,
            rows: rows, tables: [("Pruning: kept fraction per layer (first seed)", keptTable)],
            verdicts: settings.models.compactMap { kind in verdict(kind, rows: rows) })
    }

    /// Han et al.'s claim: the paper's compression with no accuracy lost (0.2 point tolerated).
    private func verdict(_ kind: CompressionModel, rows: [CompressionRow]) -> ClaimVerdict? {
        guard let (baseline, pruned, after, lost) = comparedToBaseline(rows, model: kind, variant: "per-layer") else { return nil }
        let paper = Self.paperResult(kind)
        return ClaimVerdict(
            claim: "\(kind.rawValue): \(paper.before) → \(paper.after) parameters (\(ratioText(paper.ratio))), \(paper.errors), i.e. no accuracy lost (≤ 0.2 point tolerated)",
            source: "Han et al., 2015",
            measured: "\(baseline.parameters) → \(pruned.parameters) parameters (\(ratioText(pruned.ratio))), accuracy \(baseline.accuracyBefore.percentText()) → \(after.percentText()) (\(String(format: "%+.2f", -lost * 100)) points)",
            verdict: pruned.ratio >= paper.ratio * 0.95 && lost <= 0.002 ? .reproduced : .notReproduced)
    }
}

/// A baseline pruned with retraining, kept by the workbench for the pipeline.
struct PrunedModel {
    var model: Sequential
    var masks: PruningMasks
    var accuracy: Double
    var rate: Float
}

extension CompressionWorkbench {
    /// The baseline of `kind` and `seed` pruned iteratively to `target` (cached under `variant`):
    /// `pruneRounds` rounds, each retraining on the fine-tuning images with the masks enforced,
    /// at the rate of the grid whose final model has the best validation accuracy.
    func pruned(_ kind: CompressionModel, seed: UInt64, variant: String, target: PruningTarget) throws -> PrunedModel {
        let key = "\(kind.rawValue)/\(variant)/\(seed)"
        if let cached = prunedModels[key] { return cached }
        let (rate, result) = try tuned("prune \(kind.rawValue) \(variant), seed \(seed)") { rate in
            let model = try freshCopy(kind, seed: seed)
            var accuracy = (validation: 0.0, test: 0.0)
            let masks = try pruneIteratively(model, schedule: target.schedule(rounds: settings.pruneRounds)) { _, masks in
                accuracy = try fitValidated(model, on: fineTuneSet, epochs: settings.fineTuneEpochs, learningRate: rate, seed: seed,
                                            callbacks: [MaskedTraining(masks)])
            }
            return (accuracy.validation, (model, masks, accuracy.test))
        }
        let pruned = PrunedModel(model: result.0, masks: result.1, accuracy: result.2, rate: rate)
        prunedModels[key] = pruned
        return pruned
    }
}

/// Kept weights of the pruned layers plus every other parameter.
func storedParameters(_ model: any Layer, _ masks: PruningMasks) -> Int {
    model.parameterCount - masks.entries.reduce(0) { $0 + $1.kept.count - $1.keptCount }
}

/// Forward FLOPs per image counting only the kept weights of the pruned layers (2 per
/// multiply–add; a convolution's weight is used once per output position).
func sparseFLOPs(_ model: any Layer, masks: PruningMasks, inputShape: TensorShape) throws -> Int {
    var removed = 0
    let shapes = try layerInputShapes(model, inputShape: inputShape)
    for entry in masks.entries {
        let pruned = entry.kept.count - entry.keptCount
        if let conv = try? model.layer(at: entry.layerPath) as? Conv2D, let input = shapes[entry.layerPath] {
            let output = try conv.outputShape(for: input)
            removed += 2 * pruned * output[2] * output[3]
        } else {
            removed += 2 * pruned
        }
    }
    return model.forwardFLOPs(for: inputShape) - removed
}

/// The input shape of every layer inside nested `Sequential`s, by path.
private func layerInputShapes(_ layer: any Layer, inputShape: TensorShape, path: String = "") throws -> [String: TensorShape] {
    var shapes = [path: inputShape]
    guard let sequential = layer as? Sequential else { return shapes }
    var shape = inputShape
    for child in sequential.children {
        let childPath = path.isEmpty ? child.name : "\(path).\(child.name)"
        shapes.merge(try layerInputShapes(child.layer, inputShape: shape, path: childPath)) { $1 }
        shape = try child.layer.outputShape(for: shape)
    }
    return shapes
}
