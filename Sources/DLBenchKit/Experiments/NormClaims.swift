import DLReport
import Foundation

extension NormComparison {
    /// "12.34 ± 0.56%" test error of `runs`, with the diverged seeds named.
    static func errorText(_ runs: [Run]) -> String {
        let diverged = runs.filter(\.diverged).count
        let finished = error(runs)
        let text = finished.count == 0 ? "diverged" : finished.percentText()
        return diverged > 0 && finished.count > 0 ? "\(text) (\(diverged) of \(runs.count) seeds diverged)" : text
    }

    var budgetText: String {
        "\(dataSummary); VGG of eight 3×3 convolutions (channels \(settings.channels.map(String.init).joined(separator: ", ")), two per stage, 2×2 max pooling), "
            + "momentum SGD (0.9), constant rate, \(settings.epochs) epoch(s), \(seedText(settings.seeds))"
    }

    // MARK: Learning rate

    /// The final validation accuracy of `runs`' curves over the seeds that finished.
    static func finalValidation(_ runs: [Run]) -> Summary { Summary(runs.filter { !$0.diverged }.compactMap { $0.curve.last?.accuracy }) }

    /// The thresholds of the learning-rate part: from the best mean final validation accuracy of the sweep.
    var sweepThresholds: Thresholds {
        let finals = [Variant(.none), Variant(.batch)].flatMap { variant in
            settings.sweepRates.map { Self.finalValidation(runs(.learningRate, variant, learningRate: $0)).mean }
        }.filter { !$0.isNaN }
        return Thresholds(classCount: classCount, reference: finals.max())
    }

    /// Whether every seed of `variant` at `rate` finished and the mean final validation accuracy reached `learned`.
    func trains(_ variant: Variant, rate: Float) -> Bool {
        let runs = runs(.learningRate, variant, learningRate: rate)
        return !runs.isEmpty && !runs.contains(where: \.diverged) && Self.finalValidation(runs).mean >= sweepThresholds.learned
    }

    /// The mean over the seeds of the first step whose validation accuracy reached the target; nil when a seed never did.
    func stepsToTarget(_ variant: Variant, rate: Float) -> Double? {
        let target = sweepThresholds.target
        let runs = runs(.learningRate, variant, learningRate: rate)
        let steps = runs.map { run in run.curve.first { $0.accuracy >= target }?.step }
        guard !steps.isEmpty, steps.allSatisfy({ $0 != nil }) else { return nil }
        return Summary(steps.map { Double($0!) }).mean
    }

    /// The highest swept rate at which `variant` trains, and its fewest mean steps to the target over the rates.
    func sweepSummary(_ variant: Variant) -> (highestRate: Float?, fewestSteps: (steps: Double, rate: Float)?) {
        let highest = settings.sweepRates.filter { trains(variant, rate: $0) }.max()
        let fewest = settings.sweepRates.compactMap { rate in stepsToTarget(variant, rate: rate).map { (steps: $0, rate: rate) } }.min { $0.steps < $1.steps }
        return (highest, fewest)
    }

    /// Reproduced when BatchNorm trains at a rate at least 3× (one grid step) above the highest at
    /// which the plain network trains, and reaches the target in fewer steps at its best rate; not
    /// reproduced when its highest rate is not higher or it needs at least as many steps.
    func learningRateClaim() -> ClaimSection {
        let (plain, normalized) = (sweepSummary(Variant(.none)), sweepSummary(Variant(.batch)))
        let thresholds = sweepThresholds
        func describe(_ name: String, _ summary: (highestRate: Float?, fewestSteps: (steps: Double, rate: Float)?)) -> String {
            let highest = summary.highestRate.map { "trains up to η = \($0)" } ?? "trains at no swept rate"
            let steps = summary.fewestSteps.map { String(format: "reaches the target in %.0f steps at best (η = %@)", $0.steps, "\($0.rate)") } ?? "never reaches the target"
            return "\(name) \(highest), \(steps)"
        }
        let perRate = settings.sweepRates.map { rate in
            "η = \(rate): none \(Self.errorText(runs(.learningRate, Variant(.none), learningRate: rate))), BatchNorm \(Self.errorText(runs(.learningRate, Variant(.batch), learningRate: rate)))"
        }.joined(separator: "; ")
        let measured = describe("without normalization the network", plain) + "; " + describe("with BatchNorm it", normalized)
            + ". Test error per rate: \(perRate). \(thresholds.text)"
        let verdict: Verdict
        switch (plain.highestRate, normalized.highestRate) {
        case (_, nil):
            verdict = .notReproduced
        case (nil, .some):
            verdict = normalized.fewestSteps != nil ? .reproduced : .inconclusive
        case let (.some(plainRate), .some(normalizedRate)):
            let higher = normalizedRate >= 3 * plainRate * 0.99
            let faster: Bool? = switch (plain.fewestSteps, normalized.fewestSteps) {
            case let (.some(a), .some(b)): b.steps < a.steps
            case (nil, .some): true
            case (_, nil): false
            }
            verdict = higher && faster == true ? .reproduced : (!higher || faster == false ? .notReproduced : .inconclusive)
        }
        return ClaimSection(
            statement: "BatchNorm allows much larger learning rates and reaches a target accuracy in fewer steps",
            source: "Ioffe & Szegedy, 2015: the Inception network with BatchNorm reached the same accuracy in 14× fewer steps and trained at 5× and 30× the rate",
            setting: "\(budgetText); batch \(Settings.referenceBatchSize), η ∈ {\(settings.sweepRates.map { "\($0)" }.joined(separator: ", "))}, validation accuracy "
                + "\(settings.evaluationsPerEpoch)× per epoch; reproduced when BatchNorm trains at ≥ 3× the plain network's highest rate and needs fewer steps to the target at its best rate",
            measured: measured, verdict: verdict)
    }

    // MARK: Batch size

    /// Reproduced when BatchNorm's test error at the smallest batch is significantly above its error
    /// at batch 32 (Welch, 5%) and GroupNorm's is not (or GroupNorm ends significantly below
    /// BatchNorm at the smallest batch); not reproduced when BatchNorm is significantly better at
    /// the small batch, or GroupNorm degrades as well without ending below BatchNorm; otherwise inconclusive.
    func batchSizeClaim() -> ClaimSection {
        let reference = Settings.referenceBatchSize
        let smallest = settings.batchSizes.min() ?? reference
        let (batchSmall, batchLarge) = (runs(.batchSize, Variant(.batch), batchSize: smallest), runs(.batchSize, Variant(.batch), batchSize: reference))
        let (groupSmall, groupLarge) = (runs(.batchSize, Variant(.group), batchSize: smallest), runs(.batchSize, Variant(.group), batchSize: reference))
        let batchDegrades = WelchTest(Self.error(batchSmall), Self.error(batchLarge))
        let groupDegrades = WelchTest(Self.error(groupSmall), Self.error(groupLarge))
        let groupVersusBatch = WelchTest(Self.error(groupSmall), Self.error(batchSmall))
        let gap = Self.statisticsGap(batchSmall)
        var measured = "BatchNorm: \(Self.errorText(batchSmall)) test error at B = \(smallest), \(Self.errorText(batchLarge)) at B = \(reference) (p = \(pText(batchDegrades))); "
            + "GroupNorm: \(Self.errorText(groupSmall)) at B = \(smallest), \(Self.errorText(groupLarge)) at B = \(reference) (p = \(pText(groupDegrades))); "
            + "GroupNorm vs BatchNorm at B = \(smallest): p = \(pText(groupVersusBatch))"
        if gap.count > 0 {
            measured += ". The mechanism: BatchNorm trained at B = \(smallest) errs \(gap.text(decimals: 2)) points more on the test set with the statistics of "
                + "batches of \(smallest) test images (training mode) than with its running statistics"
        }
        let batchWorseSmall = batchDegrades.isSignificant && batchDegrades.t > 0
        let batchBetterSmall = batchDegrades.isSignificant && batchDegrades.t < 0
        let groupWorseSmall = groupDegrades.isSignificant && groupDegrades.t > 0
        let groupBeatsBatch = groupVersusBatch.isSignificant && groupVersusBatch.t < 0
        let verdict: Verdict = if batchWorseSmall && (!groupWorseSmall || groupBeatsBatch) {
            .reproduced
        } else if batchBetterSmall || (batchWorseSmall && groupWorseSmall && !groupBeatsBatch) {
            .notReproduced
        } else {
            .inconclusive
        }
        return ClaimSection(
            statement: "BatchNorm degrades at very small batches; GroupNorm does not",
            source: "Wu & He, 2018: ResNet-50 on ImageNet, BatchNorm 34.7% vs GroupNorm 24.1% top-1 error at 2 images per GPU, 23.6% vs 24.1% at 32",
            setting: "\(budgetText); batch sizes \(settings.batchSizes.map(String.init).joined(separator: ", ")), the same epochs at each (small batches take more steps), "
                + "η = η₃₂·B/32 with η₃₂ tuned per normalization on validation among {\(settings.baseRates.map { "\($0)" }.joined(separator: ", "))}; Welch's t-test at 5% on test error",
            measured: measured, verdict: verdict)
    }

    // MARK: Groups

    /// Reproduced when the best mean test error is an intermediate G (neither 1 nor C) and it is
    /// significantly below both G = 1 and G = C (Welch, 5%); not reproduced when an end (G = 1 or
    /// C) is best and significantly below every intermediate G; otherwise inconclusive.
    func groupsClaim() -> ClaimSection {
        let counts = settings.groupCounts + [Int.max]
        let errors = counts.map { (groups: $0, runs: runs(.groups, Variant(groups: $0))) }
        let measured = errors.map { "\(Variant(groups: $0.groups).name): \(Self.errorText($0.runs))" }.joined(separator: ", ")
        let finished = errors.filter { Self.error($0.runs).count > 0 }
        let isEnd = { (groups: Int) in groups == 1 || groups == .max }
        let verdict: Verdict
        if let best = finished.min(by: { Self.error($0.runs).mean < Self.error($1.runs).mean }) {
            let beats = { (other: [Run]) -> Bool in
                let test = WelchTest(Self.error(best.runs), Self.error(other))
                return test.isSignificant && test.t < 0
            }
            let ends = errors.filter { isEnd($0.groups) }, middles = errors.filter { !isEnd($0.groups) }
            if !isEnd(best.groups) && ends.allSatisfy({ beats($0.runs) }) {
                verdict = .reproduced
            } else if isEnd(best.groups) && !middles.isEmpty && middles.allSatisfy({ beats($0.runs) }) {
                verdict = .notReproduced
            } else {
                verdict = .inconclusive
            }
        } else {
            verdict = .inconclusive
        }
        let rate = baseRates[.group]?.chosen
        return ClaimSection(
            statement: "GroupNorm works best with an intermediate number of groups, between LayerNorm (G = 1) and InstanceNorm (G = C)",
            source: "Wu & He, 2018, Table 3: G = 32 24.1%, G = 1 (LayerNorm) 25.3%, G = C (InstanceNorm) 28.4% top-1 error on ImageNet",
            setting: "\(budgetText); batch \(Settings.referenceBatchSize), η = \(rate.map { "\($0) (GroupNorm's tuned base rate)" } ?? "\(settings.baseRates[settings.baseRates.count / 2])"); "
                + "G capped at each layer's channels (\(settings.channels.map(String.init).joined(separator: ", "))); Welch's t-test at 5% on test error",
            measured: measured, verdict: verdict)
    }

    /// The claims of the parts that ran.
    var claims: [ClaimSection] {
        (settings.parts.contains(.learningRate) ? [learningRateClaim()] : [])
            + (settings.parts.contains(.batchSize) ? [batchSizeClaim()] : [])
            + (settings.parts.contains(.groups) ? [groupsClaim()] : [])
    }
}
