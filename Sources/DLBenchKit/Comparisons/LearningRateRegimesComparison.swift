import Foundation
import DLNN

extension ComparisonDefinition {
    /// The rates of `learning-rates`, four decades apart from a rate too small to matter to one that diverges.
    static let regimeRates: [Float] = [3e-4, 0.03, 0.3, 3]

    /// `dlbench compare learning-rates`: the course's loss-curve figure — the same model under SGD with
    /// momentum at four rates on one plot: too low crawls, a good rate falls fast, too high stalls or
    /// diverges (reported as diverged, with the step).
    static var learningRateRegimes: ComparisonDefinition {
        ComparisonDefinition(
            name: "learning-rates", title: "Learning rate too low, good, too high",
            question: "What does the loss curve look like when the learning rate is too low, good, or too high? "
                + "Momentum SGD on the same model and data at η = \(regimeRates.map { "\($0)" }.joined(separator: ", ")).",
            entryKind: "learning rate",
            budget: Budget(epochs: 1, trainingSize: 10_000), quickBudget: Budget(epochs: 1, trainingSize: 256, evaluationSize: 500),
            entries: { _ in
                regimeRates.map { ComparisonEntry(name: "η = \($0)", spec: TrainingSpec(optimizer: .momentum, learningRate: $0)) }
            },
            claims: [Claim(
                statement: "A learning rate too low makes slow progress, one too high makes the loss blow up or stall; a good one in between falls fastest",
                source: "the course's loss-curve figure (CS231n, lecture on training neural networks)",
                judge: judgeRegimeClaim)])
    }
}

/// Judged on where each loss curve ends (`EntryResult.endLoss`): reproduced when the lowest mean
/// belongs to an intermediate rate, the lowest
/// rate ends significantly higher (Welch, 5%), and the highest rate diverged, ended no better than
/// chance in every seed (a loss ≥ ln(classes), however large: a blow-up's spread across seeds would
/// hide it from Welch's test) or ended significantly higher; not reproduced when the lowest or
/// highest rate has the lowest loss.
private func judgeRegimeClaim(_ result: ComparisonResult) -> (measured: String, verdict: Verdict) {
    let finished = result.entries.filter { !$0.finished.isEmpty }
    guard let best = finished.min(by: { $0.endLoss.mean < $1.endLoss.mean }),
          let low = result.entries.first, let high = result.entries.last
    else { return ("every run diverged.", .inconclusive) }
    let parts = result.entries.map { entry in
        entry.finished.isEmpty
            ? "\(entry.name) diverged (at step \(entry.divergedSteps.map(String.init).joined(separator: ", ")))"
            : "\(entry.name) loss at the end \(entry.endLoss.text(decimals: 3))"
                + (entry.divergedCount > 0 ? ", diverged with \(entry.divergedCount) of \(entry.runs.count) seeds" : "")
    }
    let measured = parts.joined(separator: "; ") + "."
    if best.name == low.name || best.name == high.name { return (measured, .notReproduced) }
    let lowWorse = WelchTest(low.endLoss, best.endLoss)
    let chanceLoss = -log(result.thresholds.chance)
    let highAtChance = high.finished.allSatisfy { (smoothedLoss($0.history).last ?? .nan) >= chanceLoss }
    let highWorse = high.finished.isEmpty || high.divergedCount > 0 || highAtChance
        || { let test = WelchTest(high.endLoss, best.endLoss); return test.isSignificant && test.t > 0 }()
    return (measured, lowWorse.isSignificant && lowWorse.t > 0 && highWorse ? .reproduced : .inconclusive)
}
