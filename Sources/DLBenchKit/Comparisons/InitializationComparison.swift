import DLNN
import DLReport
import Foundation

extension ComparisonDefinition {
    /// `dlbench init`: zero, small random, large random, Xavier, He and LeCun initializations of deep
    /// plain MLPs with tanh and with ReLU — per-layer activation and gradient statistics at
    /// initialization, their histograms, then training with every seed at one fixed rate of
    /// momentum SGD; and He et al.'s deep ReLU pair (Xavier against He at `deepDepth` layers).
    static func initialization(_ settings: InitializationSettings = InitializationSettings(), quickSettings: InitializationSettings = .quick,
                               budget: Budget = Budget(epochs: 4, trainingSize: 20_000, evaluationSize: 2000)) -> ComparisonDefinition {
        let chosen = { (quick: Bool) in quick ? quickSettings : settings }
        let profiles = ProfileCache(settings: chosen)
        return ComparisonDefinition(
            name: "init", title: "Weight initialization of deep plain networks",
            question: "Does a deep network without normalization train from a given initialization? \(settings.depth) hidden layers of "
                + "\(settings.width) units (tanh or ReLU), every weight from the scheme, biases zero; activations and gradients of every layer "
                + "are measured at initialization on \(settings.statisticsBatch) validation images, then every network trains with momentum SGD "
                + "at η = \(settings.learningRate) (the same for all: a rate tuned per entry would hide what the initialization does).",
            entryKind: "network · initialization",
            budget: budget, quickBudget: Budget(epochs: 1, trainingSize: 512, evaluationSize: 256),
            entries: { quick in initializationEntries(chosen(quick)) },
            claims: initializationClaims(profiles),
            addSections: { result, report in addInitializationSections(profiles.get(result), to: &report) })
    }
}

/// The training entries of `settings`: every activation × scheme, then the deep ReLU pair.
private func initializationEntries(_ settings: InitializationSettings) -> [ComparisonEntry] {
    func entry(_ activation: PlainActivation, _ scheme: InitializationScheme, depth: Int) -> ComparisonEntry {
        let recipe = ModelRecipe(name: "mlp-\(depth)x\(settings.width)-\(activation.rawValue)-\(scheme.rawValue)") { shape, classes, seed in
            plainMLP(inputSize: shape.reduce(1, *), classCount: classes, depth: depth, width: settings.width, activation: activation, scheme: scheme, seed: seed)
        }
        return ComparisonEntry(
            name: initializationEntryName(activation, scheme, depth: depth, mainDepth: settings.depth),
            spec: TrainingSpec(recipe: recipe, optimizer: .momentum, learningRate: settings.learningRate))
    }
    return settings.activations.flatMap { activation in settings.schemes.map { entry(activation, $0, depth: settings.depth) } }
        + (settings.deepDepth > 0 ? [InitializationScheme.xavier, .he].map { entry(.relu, $0, depth: settings.deepDepth) } : [])
}

/// "tanh · Xavier", or "ReLU ×30 · He" for a depth other than the main one.
func initializationEntryName(_ activation: PlainActivation, _ scheme: InitializationScheme, depth: Int, mainDepth: Int) -> String {
    "\(activation.displayName)\(depth == mainDepth ? "" : " ×\(depth)") · \(scheme.displayName)"
}

/// The profiles of a result's settings, computed once on the result's data with its first seed.
private final class ProfileCache {
    let settings: (_ quick: Bool) -> InitializationSettings
    private var value: InitializationProfiles?

    init(settings: @escaping (_ quick: Bool) -> InitializationSettings) {
        self.settings = settings
    }

    func get(_ result: ComparisonResult) -> InitializationProfiles {
        if let value { return value }
        let computed = InitializationProfiles(settings: settings(result.quick), data: result.data, seed: result.seeds[0])
        value = computed
        return computed
    }
}

/// The profiles at initialization of every entry of a run, and the settings they were taken with.
struct InitializationProfiles {
    var settings: InitializationSettings
    var main: [InitializationProfile]
    var deep: [InitializationProfile]

    init(settings: InitializationSettings, data: DataSplits, seed: UInt64) {
        self.settings = settings
        (main, deep) = settings.profiles(on: data, seed: seed)
    }

    func profile(_ activation: PlainActivation, _ scheme: InitializationScheme) -> InitializationProfile? {
        main.first { $0.activation == activation && $0.scheme == scheme }
    }

    func entryName(of profile: InitializationProfile) -> String {
        initializationEntryName(profile.activation, profile.scheme, depth: profile.depth, mainDepth: settings.depth)
    }
}

/// A number in 2 significant digits: 0.0031, 4.2e-08.
private func short(_ value: Double) -> String {
    NumberFormat.significant(2).string(for: value)
}

/// "tanh · N(0, 0.01²): activation σ 0.16 (layer 1) → 4.2e-08 (layer 10); ∂L/∂a σ 1.1e-12 (layer 1) ← 3.1e-05 (layer 10)".
private func scaleText(_ profile: InitializationProfile, name: String) -> String {
    "\(name): activation σ \(short(profile.first.standardDeviation)) (layer 1) → \(short(profile.last.standardDeviation)) (layer \(profile.depth)); "
        + "∂L/∂a σ \(short(profile.first.gradientStandardDeviation)) (layer 1) ← \(short(profile.last.gradientStandardDeviation)) (layer \(profile.depth))"
}

/// "final validation accuracy 11.35 ± 0.00%" of an entry, or "diverged with every seed".
private func accuracyText(_ entry: EntryResult?) -> String {
    guard let entry else { return "not trained" }
    if entry.finished.isEmpty { return "diverged with every seed" }
    return "final validation accuracy \(entry.finalValidationAccuracy.percentText())" + (entry.divergedCount > 0 ? " (\(entry.divergedCount) of \(entry.runs.count) seeds diverged)" : "")
}

private func initializationClaims(_ cache: ProfileCache) -> [Claim] {
    [
        Claim(
            statement: "With every weight zero, all units of a layer compute the same output and get the same gradient, so nothing learns (symmetry)",
            source: "the course (CS231n, lecture on training neural networks: \"all-zero initialization\"); Goodfellow et al., Deep Learning §8.4",
            judge: { result in judgeZero(result, cache.get(result)) }),
        Claim(
            statement: "Small random weights, N(0, 0.01²), make the activations and the gradients of deep layers vanish",
            source: "the course's activation histograms of a 10-layer tanh network; Glorot & Bengio, 2010",
            judge: { result in judgeScale(result, cache.get(result), scheme: .small) }),
        Claim(
            statement: "Large random weights, N(0, 1), saturate tanh units (|a| near 1, gradients near 0)",
            source: "the course's activation histograms; Glorot & Bengio, 2010",
            judge: { result in judgeLarge(result, cache.get(result)) }),
        Claim(
            statement: "Xavier initialization suits tanh and He initialization suits ReLU",
            source: "Glorot & Bengio, 2010 (Var W = 2/(fan_in + fan_out)); He et al., 2015 (Var W = 2/fan_in, the ReLU halving the variance)",
            judge: { result in judgeSuits(result, cache.get(result)) }),
        Claim(
            statement: "A 30-layer plain ReLU network trains with He initialization and stalls with Xavier",
            source: "He et al., 2015, Figure 3: the 30-layer model converges with their initialization, not at all with Xavier's",
            judge: { result in judgeDeep(result, cache.get(result)) }),
    ]
}

/// Reproduced when every zero-initialized entry ends below chance + 10 points of validation accuracy
/// (and did not learn); not reproduced when one learned.
private func judgeZero(_ result: ComparisonResult, _ profiles: InitializationProfiles) -> (measured: String, verdict: Verdict) {
    let zeros = profiles.main.filter { $0.scheme == .zero }
    guard !zeros.isEmpty else { return ("the zero scheme was not run (--inits).", .inconclusive) }
    let chance = result.thresholds.chance
    var parts: [String] = [], stalled = true, learned = false
    for profile in zeros {
        let name = profiles.entryName(of: profile)
        let entry = result.entry(name)
        parts.append("\(name): ∂L/∂W σ of layer 1 at initialization \(short(profile.first.weightGradientStandardDeviation)), \(accuracyText(entry))")
        let accuracy = entry?.finalValidationAccuracy.mean ?? .nan
        stalled = stalled && !accuracy.isNaN && accuracy < chance + 0.1
        learned = learned || (entry?.learned(result.thresholds) ?? false)
    }
    let measured = parts.joined(separator: "; ") + " (chance \(percent(chance, decimals: 0)))."
    return (measured, learned ? .notReproduced : stalled ? .reproduced : .inconclusive)
}

/// Reproduced when, for every activation run, the last hidden layer's activation σ is under 1% of the
/// first's and the first layer's ∂L/∂a σ under 1% of the last's; not reproduced when neither shrinks by 10×.
private func judgeScale(_ result: ComparisonResult, _ profiles: InitializationProfiles, scheme: InitializationScheme) -> (measured: String, verdict: Verdict) {
    let chosen = profiles.main.filter { $0.scheme == scheme }
    guard !chosen.isEmpty else { return ("the \(scheme.rawValue) scheme was not run (--inits).", .inconclusive) }
    let ratios = chosen.map { ($0.last.standardDeviation / $0.first.standardDeviation, $0.first.gradientStandardDeviation / $0.last.gradientStandardDeviation) }
    let measured = zip(chosen, ratios).map { profile, ratio in
        let name = profiles.entryName(of: profile)
        return scaleText(profile, name: name) + " — ratios \(short(ratio.0)) and \(short(ratio.1)); \(accuracyText(result.entry(name)))"
    }.joined(separator: "; ") + "."
    if ratios.allSatisfy({ $0.0 < 0.01 && $0.1 < 0.01 }) { return (measured, .reproduced) }
    if ratios.allSatisfy({ !($0.0 < 0.1) && !($0.1 < 0.1) }) { return (measured, .notReproduced) }
    return (measured, .inconclusive)
}

/// Reproduced when tanh · N(0, 1) has more than half its activations saturated over the hidden layers
/// (Xavier's fraction shown beside it); not reproduced under 10%.
private func judgeLarge(_ result: ComparisonResult, _ profiles: InitializationProfiles) -> (measured: String, verdict: Verdict) {
    guard let large = profiles.profile(.tanh, .large) else { return ("tanh with N(0, 1) was not run (--activations, --inits).", .inconclusive) }
    var measured = "tanh · N(0, 1): \(percent(large.meanStuckFraction, decimals: 1)) of the activations saturated (|a| > 0.99), mean over the \(large.depth) hidden layers "
        + "(layer 1: \(percent(large.first.stuckFraction, decimals: 1)), layer \(large.depth): \(percent(large.last.stuckFraction, decimals: 1))); "
        + "∂L/∂W σ of layer 1 \(short(large.first.weightGradientStandardDeviation)); \(accuracyText(result.entry(profiles.entryName(of: large))))"
    if let xavier = profiles.profile(.tanh, .xavier) {
        measured += ". tanh · Xavier: \(percent(xavier.meanStuckFraction, decimals: 1)) saturated, ∂L/∂W σ of layer 1 \(short(xavier.first.weightGradientStandardDeviation))"
    }
    measured += "."
    return (measured, large.meanStuckFraction > 0.5 ? .reproduced : large.meanStuckFraction < 0.1 ? .notReproduced : .inconclusive)
}

/// For tanh, Xavier against every other non-zero scheme, for ReLU, He against every other: each
/// must have learned and not end significantly below another (Welch on final validation accuracy,
/// 5%). Reproduced when both hold, not reproduced when either ends significantly below another
/// scheme, inconclusive otherwise. The activation scale through depth is given as evidence.
private func judgeSuits(_ result: ComparisonResult, _ profiles: InitializationProfiles) -> (measured: String, verdict: Verdict) {
    let pairs: [(PlainActivation, InitializationScheme)] = [(.tanh, .xavier), (.relu, .he)]
    var parts: [String] = [], beaten: [String] = [], allLearned = true
    for (activation, scheme) in pairs {
        guard let profile = profiles.profile(activation, scheme), let entry = result.entry(profiles.entryName(of: profile)) else {
            return ("\(activation.displayName) with \(scheme.displayName) was not run (--activations, --inits).", .inconclusive)
        }
        let others = profiles.main.filter { $0.activation == activation && $0.scheme != scheme }.compactMap { result.entry(profiles.entryName(of: $0)) }
        let better = others.filter { other in
            let test = WelchTest(other.finalValidationAccuracy, entry.finalValidationAccuracy)
            return !other.finished.isEmpty && test.isSignificant && test.t > 0
        }
        beaten += better.map { "\(entry.name) ends below \($0.name) (\($0.finalValidationAccuracy.percentText()))" }
        allLearned = allLearned && entry.learned(result.thresholds)
        let ratio = profile.last.standardDeviation / profile.first.standardDeviation
        parts.append("\(entry.name): \(accuracyText(entry)), activation σ from layer 1 to \(profile.depth) × \(short(ratio))")
    }
    for (activation, scheme) in [(PlainActivation.tanh, InitializationScheme.he), (.relu, .xavier)] {
        guard let profile = profiles.profile(activation, scheme) else { continue }
        let ratio = profile.last.standardDeviation / profile.first.standardDeviation
        parts.append("\(profiles.entryName(of: profile)): \(accuracyText(result.entry(profiles.entryName(of: profile)))), activation σ × \(short(ratio))")
    }
    let measured = parts.joined(separator: "; ") + (beaten.isEmpty ? "; neither is significantly below another scheme (Welch, 5%)." : "; " + beaten.joined(separator: "; ") + " (Welch, 5%).")
    if !beaten.isEmpty { return (measured, .notReproduced) }
    return (measured, allLearned ? .reproduced : .inconclusive)
}

/// Reproduced when the deep He network learned and the deep Xavier one stalled: its smoothed training
/// loss ends within 10% of ln(classes) in every seed (or it diverged). Not reproduced when Xavier did
/// not stall and is not significantly below He in final validation accuracy; inconclusive otherwise
/// (Xavier stalled but He did not learn either, or Xavier behind but moving).
private func judgeDeep(_ result: ComparisonResult, _ profiles: InitializationProfiles) -> (measured: String, verdict: Verdict) {
    guard profiles.deep.count == 2, let xavier = result.entry(profiles.entryName(of: profiles.deep[0])),
          let he = result.entry(profiles.entryName(of: profiles.deep[1]))
    else { return ("the deep pair was not run (--deep-depth 0).", .inconclusive) }
    let chanceLoss = -log(result.thresholds.chance)
    let stalled = xavier.finished.allSatisfy { abs((smoothedLoss($0.history).last ?? .nan) - chanceLoss) <= 0.1 * chanceLoss }
    let test = WelchTest(he.finalValidationAccuracy, xavier.finalValidationAccuracy)
    let measured = profiles.deep.map { scaleText($0, name: profiles.entryName(of: $0)) }.joined(separator: "; ")
        + ". Training: \(he.name) \(accuracyText(he)), loss at the end \(he.endLoss.text(decimals: 3)); \(xavier.name) \(accuracyText(xavier)), "
        + "loss at the end \(xavier.endLoss.text(decimals: 3)) (ln \(result.data.training.classCount) = \(String(format: "%.3f", chanceLoss))); "
        + "Welch p = \(pText(test))."
    if he.learned(result.thresholds) && stalled { return (measured, .reproduced) }
    // Xavier moving off ln(classes) and not significantly behind He is evidence against; He not learning either is none.
    if !stalled && !(test.isSignificant && test.t > 0) { return (measured, .notReproduced) }
    return (measured, .inconclusive)
}

/// The statistics tables, the σ-by-layer plots and the histograms.
private func addInitializationSections(_ profiles: InitializationProfiles, to report: inout Report) {
    let all = profiles.main + profiles.deep
    report.addHeading("At initialization")
    report.addParagraph("Each network's activations a (after the nonlinearity) and gradients on the first \(profiles.settings.statisticsBatch) validation images, "
        + "before any step, with the weights of the first seed: ∂L/∂a is the gradient of the mean cross-entropy that reaches a layer's activations, "
        + "∂L/∂W that of the layer's weight. Stuck: saturated for tanh (|a| > 0.99, where tanh′ < 0.02), zero for ReLU.")
    var table = Table(headers: [
        "network · initialization", "initial loss", "σ(a) layer 1", "σ(a) last", "stuck layer 1", "stuck last", "σ(∂L/∂a) layer 1", "σ(∂L/∂a) last",
        "σ(∂L/∂W) layer 1", "σ(∂L/∂W) last",
    ])
    for profile in all {
        table.append([
            .text(profiles.entryName(of: profile)), .number(profile.initialLoss, .significant(3)),
            .number(profile.first.standardDeviation, .significant(2)), .number(profile.last.standardDeviation, .significant(2)),
            .number(profile.first.stuckFraction, .percent(1)), .number(profile.last.stuckFraction, .percent(1)),
            .number(profile.first.gradientStandardDeviation, .significant(2)), .number(profile.last.gradientStandardDeviation, .significant(2)),
            .number(profile.first.weightGradientStandardDeviation, .significant(2)), .number(profile.last.weightGradientStandardDeviation, .significant(2)),
        ])
    }
    report.addTable(table, title: "Statistics at initialization: first and last hidden layer (\"last\" is layer \(profiles.settings.depth), or the deep pair's last)")
    for activation in PlainActivation.allCases {
        let rows = profiles.main.filter { $0.activation == activation }
        guard !rows.isEmpty else { continue }
        for (title, file, value) in [
            ("activation σ", "activation-std", { (layer: LayerStatistics) in layer.standardDeviation }),
            ("gradient σ of ∂L/∂a", "gradient-std", { (layer: LayerStatistics) in layer.gradientStandardDeviation }),
        ] {
            let chart = LineChart(
                title: "\(activation.displayName): \(title) by layer at initialization", x: .init("hidden layer"), y: .init(title, scale: .log10),
                series: rows.map { .init(name: $0.scheme.displayName, x: $0.layers.map { Double($0.layer) }, y: $0.layers.map(value)) }, showsMarkers: true)
            report.addPlot(chart, fileName: "\(file)-\(activation.rawValue).svg",
                           caption: "\(title) of every hidden layer at initialization, log scale; zero has no point (σ = 0).")
        }
        report.addPlot(histogramGrid(rows, activation: activation, title: "\(activation.displayName) activations at initialization", profiles: profiles),
                       fileName: "histograms-\(activation.rawValue).svg", caption: histogramCaption(activation))
    }
    if !profiles.deep.isEmpty {
        report.addPlot(histogramGrid(profiles.deep, activation: .relu, title: "ReLU ×\(profiles.settings.deepDepth) activations at initialization", profiles: profiles),
                       fileName: "histograms-relu-deep.svg", caption: histogramCaption(.relu) + " Every \(layerStride(profiles.settings.deepDepth))th layer of the \(profiles.settings.deepDepth).")
    }
}

private func histogramCaption(_ activation: PlainActivation) -> String {
    activation == .tanh
        ? "One panel per hidden layer, one row per initialization: the distribution of tanh activations over [−1, 1] (30 bins, each panel scaled to its tallest bar). Spread over the range is good; a spike at 0 (vanished) or at ±1 (saturated) is bad."
        : "One panel per hidden layer, one row per initialization: the distribution of the non-zero ReLU activations (30 bins from 0 to the row's largest 99th percentile, each panel scaled to its tallest bar; the zero fraction is the note). A row whose deep panels pile into the first bin has vanishing activations; one whose early panels do, exploding ones."
}

/// Every k-th layer, so that a grid has at most 10 panels per row.
private func layerStride(_ depth: Int) -> Int { max(1, (depth + 9) / 10) }

/// One row per profile, one panel per (every `layerStride`-th) hidden layer.
private func histogramGrid(_ rows: [InitializationProfile], activation: PlainActivation, title: String, profiles: InitializationProfiles) -> HistogramGrid {
    HistogramGrid(title: title, xLabel: activation == .tanh ? "activation tanh(z)" : "activation max(0, z), zeros left out", rows: rows.map { profile in
        let shown = profile.layers.enumerated().filter { $0.offset % layerStride(profile.depth) == 0 }.map(\.element)
        let range: ClosedRange<Double> = activation == .tanh ? -1...1 : 0...reluRange(shown)
        return HistogramGrid.Row(label: profile.scheme.displayName, panels: shown.map { layer in
            let values = activation == .tanh ? layer.activations : layer.activations.filter { $0 != 0 }
            return .init(title: "layer \(layer.layer)", histogram: Histogram(values, binCount: 30, range: range),
                         note: "σ \(short(layer.standardDeviation)), \(percent(layer.stuckFraction, decimals: 0)) \(activation == .tanh ? "sat." : "zero")")
        })
    })
}

/// The largest 99th percentile of the layers' finite positive activations (1 when there are none).
private func reluRange(_ layers: [LayerStatistics]) -> Double {
    let percentiles = layers.compactMap { layer -> Double? in
        let positive = layer.activations.filter { $0 > 0 && $0.isFinite }.sorted()
        return positive.isEmpty ? nil : Double(positive[min(positive.count - 1, positive.count * 99 / 100)])
    }
    let upper = percentiles.max() ?? 1
    return upper > 0 && upper.isFinite ? upper : 1
}
