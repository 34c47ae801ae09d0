import DLNN
import DLReport
import Foundation

/// Deep Compression (Han, Mao & Dally, 2016) up to its third stage: prune (the pruning
/// experiment's per-layer model, retrained with masks), then share weights by k-means per layer
/// (8-bit codebooks for convolutions, 5-bit for dense layers, as the paper's AlexNet setting) and
/// fine-tune the codebooks. Bytes on disk are measured at each stage: the dense float checkpoint,
/// the sparse one (F32 kept values + relative indices), the sparse one with codes + codebooks.
/// The paper's last stage, Huffman coding of codes and indices, is not done here.
struct DeepCompressionExperiment: CompressionMethodExperiment {
    /// The paper's dense and final sizes (Table 1).
    static func paperSizes(_ kind: CompressionModel) -> (dense: String, final: String, ratio: Double) {
        switch kind {
        case .lenet300: ("1070 KB", "27 KB", 40)
        case .lenet5: ("1720 KB", "44 KB", 39)
        }
    }

    func run(_ workbench: CompressionWorkbench) throws -> CompressionSection {
        let settings = workbench.settings
        var collector = VariantCollector()
        for kind in settings.models {
            let (variant, target) = try PruningExperiment.targets(kind)[0]
            for seed in settings.seeds {
                let baseline = try workbench.baseline(kind, seed: seed)
                collector.add(try workbench.baselineRow(kind, seed: seed), before: baseline.accuracy, after: nil)
                let pruned = try workbench.pruned(kind, seed: seed, variant: variant, target: target)
                let stem = workbench.directory.appendingPathComponent("pipeline-\(kind.rawValue)-seed\(seed)")
                let prunedFile = stem.appendingPathExtension("pruned.safetensors")
                let prunedBytes = try pruned.model.saveSparseWeights(to: prunedFile, masks: pruned.masks)
                let parameters = storedParameters(pruned.model, pruned.masks)
                let flops = try sparseFLOPs(pruned.model, masks: pruned.masks, inputShape: workbench.inputShape)
                let latency = workbench.latency(pruned.model)
                collector.add(CompressionRow(
                    model: kind, variant: "pruned, sparse F32", parameters: parameters, bytes: prunedBytes, flops: flops, latency: latency,
                    accuracyBefore: Summary([]), ratio: Double(baseline.bytes) / Double(prunedBytes), note: "ratio: bytes"),
                    before: pruned.accuracy, after: nil)

                // A copy of the pruned model, its masks rebuilt from its zeros (the same counts per layer).
                func prunedCopy() throws -> (Sequential, PruningMasks) {
                    let copy = try kind.make(seed: seed)
                    try copy.loadSparseWeights(from: prunedFile)
                    return (copy, magnitudePrune(copy, target: target))
                }
                let (shared, sharedMasks) = try prunedCopy()
                shareWeights(sharedMasks, bits: Self.codeBits)
                let before = workbench.evaluate(shared)
                let fineTuned = try workbench.fineTune("weight sharing \(kind.rawValue), seed \(seed)", seed: seed) { () -> (model: any Layer, callbacks: [any TrainingCallback]) in
                    let (model, masks) = try prunedCopy()
                    return (model, [SharedWeightTraining(masks: masks, sharing: shareWeights(masks, bits: Self.codeBits))])
                }
                let sharing = currentSharing(fineTuned.model, target: target)
                let finalFile = stem.appendingPathExtension("shared.safetensors")
                let finalBytes = try fineTuned.model.saveSparseWeights(to: finalFile, masks: sharing.masks, sharing: sharing.sharing)
                // The final file loads back into a dense model with the same accuracy.
                let reloaded = try kind.make(seed: seed)
                try reloaded.loadSparseWeights(from: finalFile)
                collector.add(CompressionRow(
                    model: kind, variant: "+ k-means weight sharing (8/5 bits)", parameters: parameters, bytes: finalBytes, flops: flops,
                    latency: latency, accuracyBefore: Summary([]), ratio: Double(baseline.bytes) / Double(finalBytes),
                    note: "ratio: bytes; codebook fine-tune η = \(fineTuned.rate)"),
                    before: before, after: workbench.evaluate(reloaded))
            }
        }
        let rows = collector.rows
        return CompressionSection(
            title: "Deep Compression pipeline (prune → weight sharing)",
            description: """
                Stage 1 is the baseline's dense F32 safetensors file; stage 2 the pruning experiment's per-layer model stored sparse \
                (F32 kept values, relative indices of 8 bits for convolutions and 5 for dense layers, a skip code for longer gaps); \
                stage 3 replaces each layer's kept values by a k-means codebook (2^8 values for convolutions, 2^5 for dense layers, \
                linear initialization) and stores the codes at that many bits, after fine-tuning the codebooks for \
                \(settings.fineTuneEpochs) epoch(s) (rate chosen on validation); its accuracy is measured on the model reloaded from \
                the file. Ratios here are bytes on disk against the dense file. No Huffman coding (the paper's third stage). \
                Every file includes its safetensors header (names, shapes and metadata as JSON).
                """,
            rows: rows, verdicts: settings.models.compactMap { verdict($0, rows: rows) })
    }

    /// 8 bits for a convolution's codebook, 5 for a dense layer's.
    static func codeBits(_ entry: PruningMasks.Entry) -> Int { entry.parameter.shape.count == 4 ? 8 : 5 }

    /// The masks and sharing of a fine-tuned shared model, read back from its values: each layer's
    /// distinct kept values are its codebook (fine-tuning keeps them tied).
    private func currentSharing(_ model: any Layer, target: PruningTarget) -> (masks: PruningMasks, sharing: [String: WeightSharing]) {
        let masks = magnitudePrune(model, target: target)
        var sharing: [String: WeightSharing] = [:]
        for entry in masks.entries {
            let values = entry.parameter.value.scalars
            let kept = entry.kept.indices.filter { entry.kept[$0] }.map { values[$0] }
            let codebook = Array(Set(kept.map(\.bitPattern))).sorted().map(Float.init(bitPattern:))
            let index = Dictionary(uniqueKeysWithValues: codebook.enumerated().map { ($1.bitPattern, $0) })
            sharing[entry.layerPath] = WeightSharing(codebook: codebook, codes: kept.map { index[$0.bitPattern]! }, bits: Self.codeBits(entry))
        }
        return (masks, sharing)
    }

    private func verdict(_ kind: CompressionModel, rows: [CompressionRow]) -> ClaimVerdict? {
        guard let (baseline, final, after, lost) = comparedToBaseline(rows, model: kind, variant: "+ k-means") else { return nil }
        let paper = Self.paperSizes(kind)
        return ClaimVerdict(
            claim: "\(kind.rawValue): \(paper.dense) → \(paper.final) (\(ratioText(paper.ratio))) with no accuracy lost (≤ 0.2 point tolerated)",
            source: "Han, Mao & Dally, 2016",
            measured: "\(kilobytes(baseline.bytes)) → \(kilobytes(final.bytes)) (\(ratioText(final.ratio)), without Huffman coding), accuracy \(baseline.accuracyBefore.percentText()) → \(after.percentText())",
            verdict: final.ratio >= paper.ratio && lost <= 0.002 ? .reproduced : .notReproduced)
    }
}

/// `27.1 KB` (1 KB = 1024 bytes, as the paper).
func kilobytes(_ bytes: Int) -> String { String(format: "%.1f KB", Double(bytes) / 1024) }
