import DLNN

extension ComparisonDefinition {
    /// The small batch the large ones are measured against, and its rate: Goyal et al.'s η = 0.1·B/256 at B = 32.
    static let smallBatch = 32
    static let smallBatchRate: Float = 0.0125

    /// `dlbench compare large-batch`: Goyal et al. (2017) — scale the learning rate linearly with the batch
    /// (η = η₃₂·B/32) and warm it up gradually, and a large batch reaches the accuracy of a small one in the
    /// same number of epochs (so in B/32 times fewer steps); without the warm-up the scaled rate fails early.
    /// Every entry decays its rate by cosine over the run; the warm-up entries first raise it linearly over
    /// the first fifth of the run. One entry keeps the small batch's rate at the largest batch, to show why the rate must scale.
    static var largeBatch: ComparisonDefinition {
        ComparisonDefinition(
            name: "large-batch", title: "Large batches: the linear scaling rule with warm-up",
            question: "With the learning rate scaled linearly with the batch size and a gradual warm-up, does training with large batches "
                + "reach the accuracy of batch \(smallBatch) in the same number of epochs? And what happens without the warm-up, or without scaling?",
            entryKind: "batch and rate",
            budget: Budget(epochs: 3, batchSize: smallBatch, trainingSize: 30_000), quickBudget: Budget(epochs: 2, batchSize: smallBatch, trainingSize: 384, evaluationSize: 300),
            entries: { quick in largeBatchEntries(quick ? [128] : [256, 1024]) },
            claims: [
                Claim(
                    statement: "With the learning rate scaled linearly with the batch size and a gradual warm-up, large minibatches "
                        + "match the small-batch accuracy in the same number of epochs",
                    source: "Goyal et al., 2017: ResNet-50 on ImageNet, 23.60% top-1 error at batch 256 and 23.74% at 8k, with η = 0.1·B/256 and 5 epochs of warm-up",
                    judge: judgeLinearScaling),
                Claim(
                    statement: "Without the warm-up, the linearly scaled rate fails early and ends worse",
                    source: "Goyal et al., 2017: 24.84% top-1 error at 8k without warm-up against 23.74% with it",
                    judge: judgeWarmup),
            ])
    }

    /// For each of `largeBatches`: the linearly scaled rate with and without warm-up; then the largest batch at the small batch's rate.
    private static func largeBatchEntries(_ largeBatches: [Int]) -> [ComparisonEntry] {
        let small = ComparisonEntry(
            name: largeBatchName(smallBatch, rate: smallBatchRate, note: ""),
            spec: TrainingSpec(optimizer: .momentum, learningRate: smallBatchRate, schedule: .cosine), batchSize: smallBatch)
        let scaled = largeBatches.flatMap { batch -> [ComparisonEntry] in
            let rate = smallBatchRate * Float(batch) / Float(smallBatch)
            return [
                ComparisonEntry(
                    name: largeBatchName(batch, rate: rate, note: ", scaled"),
                    spec: TrainingSpec(optimizer: .momentum, learningRate: rate, schedule: .cosine), batchSize: batch),
                ComparisonEntry(
                    name: largeBatchName(batch, rate: rate, note: ", scaled + warm-up"),
                    spec: TrainingSpec(optimizer: .momentum, learningRate: rate, schedule: .warmupCosine), batchSize: batch),
            ]
        }
        let largest = largeBatches.max()!
        let unscaled = ComparisonEntry(
            name: largeBatchName(largest, rate: smallBatchRate, note: ", not scaled"),
            spec: TrainingSpec(optimizer: .momentum, learningRate: smallBatchRate, schedule: .cosine), batchSize: largest)
        return [small] + scaled + [unscaled]
    }

    /// "B = 1024, η = 0.4, scaled + warm-up".
    private static func largeBatchName(_ batch: Int, rate: Float, note: String) -> String {
        "B = \(batch), η = \(rate)\(note)"
    }
}

/// Within this many points of test accuracy a large batch counts as matching the small one even when
/// Welch's test separates them: MNIST runs differ by a few tenths of a point across seeds.
private let matchTolerance = 0.003

/// The entries of `result` trained at batch `batch` whose name ends with `suffix`.
private func entry(_ result: ComparisonResult, batch: Int, endingWith suffix: String) -> EntryResult? {
    result.entries.first { $0.entry.spec.batchSize == batch && $0.name.hasSuffix(suffix) }
}

/// "B = 256 (scaled + warm-up) 98.61 ± 0.08%": a result's test accuracy, or that it diverged.
private func accuracyText(_ entry: EntryResult) -> String {
    let diverged = entry.divergedCount > 0 ? " (\(entry.divergedCount) of \(entry.runs.count) seeds diverged)" : ""
    return entry.finished.isEmpty ? "\(entry.name): diverged in every seed" : "\(entry.name): \(entry.testAccuracy.percentText())\(diverged)"
}

/// Reproduced when every large batch with the scaled rate and warm-up finished in every seed with a mean test
/// accuracy no more than `matchTolerance` below batch 32's, or not significantly below (Welch, 5%);
/// not reproduced otherwise. The unscaled entry's accuracy is quoted beside.
private func judgeLinearScaling(_ result: ComparisonResult) -> (measured: String, verdict: Verdict) {
    guard let small = result.entries.first, !small.finished.isEmpty else { return ("batch \(ComparisonDefinition.smallBatch) diverged.", .inconclusive) }
    let warmed = result.entries.filter { $0.name.hasSuffix("scaled + warm-up") }
    let unscaled = result.entries.last.map(accuracyText) ?? ""
    var parts = ["test accuracy \(accuracyText(small))"]
    var matched = true
    for large in warmed {
        if large.divergedCount > 0 { matched = false; parts.append(accuracyText(large)); continue }
        let test = WelchTest(large.testAccuracy, small.testAccuracy)
        let gap = small.testAccuracy.mean - large.testAccuracy.mean
        if gap > matchTolerance && test.isSignificant { matched = false }
        parts.append("\(accuracyText(large)) (p = \(pText(test)))")
    }
    parts.append("without scaling, \(unscaled)")
    return (parts.joined(separator: "; ") + ".", matched ? .reproduced : .notReproduced)
}

/// Per large batch, the seeds that failed (diverged, or ended below the "learned" threshold: stuck
/// near chance, as a blow-up that kills the ReLUs leaves a network) with and without warm-up.
/// Among the batches where every warmed-up seed learned: reproduced when at one of them a seed
/// without warm-up failed or the runs without it ended significantly lower (Welch, 5%); not
/// reproduced when at all of them the runs without warm-up ended significantly higher; otherwise,
/// or when the warm-up learned at no batch (past where linear scaling holds), inconclusive.
private func judgeWarmup(_ result: ComparisonResult) -> (measured: String, verdict: Verdict) {
    let batches = Set(result.entries.map(\.entry.spec.batchSize)).subtracting([ComparisonDefinition.smallBatch]).sorted()
    let failures = { (entry: EntryResult) -> Int in
        entry.divergedCount + entry.finished.filter { ($0.history.epochs.last?.validationAccuracy ?? 0) < result.thresholds.learned }.count
    }
    var parts: [String] = []
    var outcomes: [(coldWorse: Bool, coldBetter: Bool)] = []
    for batch in batches {
        guard let cold = entry(result, batch: batch, endingWith: ", scaled"), let warm = entry(result, batch: batch, endingWith: "scaled + warm-up") else { continue }
        let (coldFailed, warmFailed) = (failures(cold), failures(warm))
        let test = WelchTest(cold.testAccuracy, warm.testAccuracy)
        parts.append("B = \(batch): without warm-up \(coldFailed) of \(cold.runs.count) seeds failed, test accuracy \(cold.testAccuracy.percentText()); "
            + "with it \(warmFailed) of \(warm.runs.count), \(warm.testAccuracy.percentText()) (p = \(pText(test)))")
        guard warmFailed == 0 else { continue }
        outcomes.append((coldFailed > 0 || (test.isSignificant && test.t < 0), coldFailed == 0 && test.isSignificant && test.t > 0))
    }
    let measured = parts.joined(separator: "; ") + ". A seed fails when it diverges or ends below the \(percent(result.thresholds.learned)) "
        + "validation accuracy that counts as learned."
    if outcomes.contains(where: \.coldWorse) { return (measured, .reproduced) }
    if !outcomes.isEmpty && outcomes.allSatisfy(\.coldBetter) { return (measured, .notReproduced) }
    return (measured, .inconclusive)
}
