import DLNN

extension ComparisonDefinition {
    /// The adaptive methods compared with scheduled SGD + momentum.
    private static let adaptiveOptimizers: [OptimizerKind] = [.adam, .adamw, .rmsprop, .swats]

    /// `dlbench compare adaptive-vs-sgd`: Wilson et al. (2017) — adaptive methods make fast early
    /// progress, but SGD with momentum and a decaying rate generalizes at least as well in the end.
    /// Every entry's rate is tuned on the validation split; SGD decays by cosine, the adaptive methods keep their rate.
    static var adaptiveVersusSGD: ComparisonDefinition {
        ComparisonDefinition(
            name: "adaptive-vs-sgd", title: "Adaptive methods against scheduled SGD with momentum",
            question: "Do adaptive methods (Adam, AdamW, RMSProp, SWATS) learn faster early, and does SGD with momentum and a cosine-decayed "
                + "rate end at least as well on held-out data? Each at its own tuned rate.",
            entryKind: "optimizer",
            budget: Budget(epochs: 3, trainingSize: 10_000), quickBudget: Budget(epochs: 2, trainingSize: 256, evaluationSize: 500),
            entries: { quick in
                [ComparisonEntry(name: "Momentum + cosine", spec: TrainingSpec(optimizer: .momentum, schedule: .cosine))]
                    + (quick ? [.adam] : adaptiveOptimizers).map { ComparisonEntry(name: $0.displayName, spec: TrainingSpec(optimizer: $0)) }
            },
            tunesLearningRate: true,
            claims: [Claim(
                statement: "Adaptive methods converge faster early; SGD with momentum and a decaying schedule generalizes at least as well at the end",
                source: "Wilson et al., 2017: CIFAR-10 test error SGD 7.65%, RMSProp 9.60%, Adam 9.78%; Keskar & Socher, 2017 (SWATS)",
                judge: judgeAdaptiveClaim)])
    }
}

/// Early: the adaptive method with the best mean validation accuracy after epoch 1 against SGD,
/// which must be significantly ahead (Welch, 5%). End: SGD's final test accuracy against the best
/// adaptive method's, which must not be significantly higher. Reproduced when both hold, not
/// reproduced when SGD ends significantly behind, inconclusive otherwise.
private func judgeAdaptiveClaim(_ result: ComparisonResult) -> (measured: String, verdict: Verdict) {
    let sgd = result.entries[0]
    let adaptive = result.entries.dropFirst().filter { !$0.finished.isEmpty }
    let afterFirstEpoch = { (entry: EntryResult) in entry.summary { $0.history.epochs.first?.validationAccuracy ?? .nan } }
    guard !sgd.finished.isEmpty,
          let early = adaptive.max(by: { afterFirstEpoch($0).mean < afterFirstEpoch($1).mean }),
          let late = adaptive.max(by: { $0.testAccuracy.mean < $1.testAccuracy.mean })
    else { return ("SGD or every adaptive method diverged.", .inconclusive) }
    let earlyTest = WelchTest(afterFirstEpoch(early), afterFirstEpoch(sgd))
    let lateTest = WelchTest(sgd.testAccuracy, late.testAccuracy)
    let measured = "after epoch 1, validation accuracy \(early.name) \(afterFirstEpoch(early).percentText()) vs \(sgd.name) "
        + "\(afterFirstEpoch(sgd).percentText()) (p = \(pText(earlyTest))); final test accuracy \(sgd.name) \(sgd.testAccuracy.percentText()) "
        + "vs \(late.name) \(late.testAccuracy.percentText()) (p = \(pText(lateTest)))."
    if lateTest.isSignificant && lateTest.t < 0 { return (measured, .notReproduced) }
    if earlyTest.isSignificant && earlyTest.t > 0 && !lateTest.pValue.isNaN { return (measured, .reproduced) }
    if earlyTest.isSignificant && earlyTest.t < 0 { return (measured, .notReproduced) }
    return (measured, .inconclusive)
}
