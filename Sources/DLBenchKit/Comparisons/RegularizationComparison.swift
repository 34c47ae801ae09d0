import DLNN
import DLReport
import Foundation

/// What `dlbench regularize` trains: one network big enough to memorize a small training subset,
/// without and with each regularizer.
struct RegularizationSettings {
    /// Momentum SGD's rate for every entry.
    var learningRate: Float = 0.05
    var weightDecay: Float = 5e-3
    var dropout: Float = 0.5
    var maxTranslation = 2
    var mixupAlpha: Float = 0.4
    var labelSmoothing: Float = 0.1
    var earlyStopping = EarlyStopping(metric: .validationLoss, patience: 3, restoresBestWeights: true)
}

extension ComparisonDefinition {
    /// `dlbench regularize`: overfitting made visible. The `mlp` preset (two hidden layers of 512,
    /// 0.67 M parameters) on a few thousand images memorizes them; each regularizer is then added
    /// alone, and the report puts the clean training curves against the validation curves and says
    /// in words what each shows.
    static func regularization(_ settings: RegularizationSettings = RegularizationSettings(),
                               budget: Budget = Budget(epochs: 20, trainingSize: 2000, evaluationSize: 2000)) -> ComparisonDefinition {
        ComparisonDefinition(
            name: "regularize", title: "Overfitting and regularization",
            question: "A network that can memorize its training subset: how do its training and validation curves part, and what does each regularizer "
                + "do to them? The mlp preset (784 → 512 → 512 → classes, ReLU), momentum SGD at η = \(settings.learningRate), every entry the same but for one regularizer.",
            entryKind: "regularization",
            budget: budget, quickBudget: Budget(epochs: 3, trainingSize: 256, evaluationSize: 256),
            entries: { _ in regularizationEntries(settings) },
            claims: [
                Claim(statement: "Without regularization, a model that can memorize its training set overfits: training accuracy reaches about 100% while validation loss turns up",
                      source: "the course (CS231n, the accuracy-curve figures of the lecture on training neural networks); Zhang et al., 2017",
                      judge: judgeOverfitting),
                Claim(statement: "Mixup improves generalization over training on the plain samples",
                      source: "Zhang et al., 2018: CIFAR-10 error of a PreAct ResNet-18 from 5.6% to 4.2%",
                      judge: { judgeImproves($0, name: "mixup") }),
                Claim(statement: "Label smoothing improves generalization over one-hot targets",
                      source: "Szegedy et al., 2016 (Inception-v3: top-1 error 0.2 points lower on ImageNet)",
                      judge: { judgeImproves($0, name: "label smoothing") }),
            ],
            addSections: addRegularizationSections)
    }
}

private func regularizationEntries(_ settings: RegularizationSettings) -> [ComparisonEntry] {
    let base = TrainingSpec(model: .mlp, optimizer: .momentum, learningRate: settings.learningRate, tracksFit: true)
    var weightDecay = base, dropout = base, augmentation = base, mixup = base, smoothing = base, stopping = base
    weightDecay.weightDecay = settings.weightDecay
    let rate = settings.dropout
    dropout.recipe = ModelRecipe(name: "mlp + dropout \(rate)") { shape, classes, seed in
        var dropoutSeed = seed &* 0x9E37_79B9_7F4A_7C15
        return Sequential(named: [("flatten", Flatten()), ("mlp", Models.mlp(sizes: [shape.reduce(1, *), 512, 512, classes], activation: {
            dropoutSeed &+= 1
            return Sequential(ReLU(), Dropout(probability: rate, seed: dropoutSeed))
        }, seed: seed))])
    }
    augmentation.augmentation = Augmentation(maxTranslation: settings.maxTranslation)
    mixup.mixup = Mixup(alpha: settings.mixupAlpha)
    smoothing.labelSmoothing = settings.labelSmoothing
    stopping.earlyStopping = settings.earlyStopping
    return [
        ComparisonEntry(name: "none", spec: base),
        ComparisonEntry(name: "L2 weight decay", spec: weightDecay),
        ComparisonEntry(name: "dropout", spec: dropout),
        ComparisonEntry(name: "augmentation", spec: augmentation),
        ComparisonEntry(name: "mixup", spec: mixup),
        ComparisonEntry(name: "label smoothing", spec: smoothing),
        ComparisonEntry(name: "early stopping", spec: stopping),
    ]
}

/// The mean over seeds, epoch by epoch (cut to the shortest run), of a per-epoch curve.
private func meanCurve(_ entry: EntryResult, _ values: (TrainingOutcome) -> [Double]) -> [Double] {
    let curves = entry.finished.map(values)
    let length = curves.map(\.count).min() ?? 0
    return (0..<length).map { i in Summary(curves.map { $0[i] }).mean }
}

private extension TrainingOutcome {
    var trainingAccuracyCurve: [Double] { fitCurves.map(\.training.accuracy) }
    var validationAccuracyCurve: [Double] { fitCurves.map(\.validation.accuracy) }
    var trainingLossCurve: [Double] { fitCurves.map(\.training.loss) }
    var validationLossCurve: [Double] { fitCurves.map(\.validation.loss) }
}

/// The generalization gap at the end: clean training accuracy − validation accuracy, per seed.
private func gap(_ entry: EntryResult) -> Summary {
    entry.summary { ($0.fitCurves.last?.training.accuracy ?? .nan) - ($0.fitCurves.last?.validation.accuracy ?? .nan) }
}

/// What the mean curves of `entry` say, in words, with the numbers:
/// - overfitting: training accuracy ≥ 99% and the validation loss ended more than 10% above its
///   minimum (or the gap exceeds 3 points) — regularize more or get more data;
/// - still improving: validation accuracy rose more than 0.5 points, or validation loss fell more
///   than 2%, over the last quarter of the epochs — train longer;
/// - underfitting: training accuracy under 97% — a bigger model or longer training;
/// - otherwise a good fit for this budget.
func fitDiagnosis(_ entry: EntryResult) -> String {
    let trainingAccuracy = meanCurve(entry, \.trainingAccuracyCurve), validationAccuracy = meanCurve(entry, \.validationAccuracyCurve)
    let validationLoss = meanCurve(entry, \.validationLossCurve)
    guard let lastTraining = trainingAccuracy.last, let lastValidation = validationAccuracy.last, let lastLoss = validationLoss.last,
          let minimum = validationLoss.indices.min(by: { validationLoss[$0] < validationLoss[$1] })
    else { return "no finished run: every seed diverged." }
    let quarter = max(1, validationLoss.count / 4)
    let before = max(0, validationLoss.count - 1 - quarter)
    let numbers = "training accuracy \(percent(lastTraining)), validation \(percent(lastValidation)) (gap \(String(format: "%.1f", (lastTraining - lastValidation) * 100)) points); "
        + "validation loss \(String(format: "%.3f", lastLoss)) at the end, lowest \(String(format: "%.3f", validationLoss[minimum])) after epoch \(minimum + 1)"
    let rising = lastLoss > 1.1 * validationLoss[minimum]
    if lastTraining >= 0.99 && (rising || lastTraining - lastValidation > 0.03) {
        return "**overfitting** — \(numbers): the model memorizes the training set\(rising ? " and validation loss is rising" : ""); regularize more or get more data."
    }
    if validationAccuracy[validationAccuracy.count - 1] - validationAccuracy[before] > 0.005 || lastLoss < 0.98 * validationLoss[before] {
        return "**still improving** — \(numbers): validation was still getting better over the last \(quarter) epoch\(quarter == 1 ? "" : "s"); train longer."
    }
    if lastTraining < 0.97 {
        return "**underfitting** — \(numbers): the model does not fit even the training set; a bigger model or longer training."
    }
    return "**good fit for this budget** — \(numbers)."
}

/// Reproduced when the unregularized entry's clean training accuracy ends at 99% or more and its
/// mean validation loss ends more than 10% above its minimum; not reproduced when training accuracy
/// stays under 99%; inconclusive otherwise (memorized, validation loss flat).
private func judgeOverfitting(_ result: ComparisonResult) -> (measured: String, verdict: Verdict) {
    guard let none = result.entry("none"), !none.finished.isEmpty else { return ("the unregularized entry diverged.", .inconclusive) }
    let trainingAccuracy = meanCurve(none, \.trainingAccuracyCurve), validationLoss = meanCurve(none, \.validationLossCurve)
    guard let last = trainingAccuracy.last, let lastLoss = validationLoss.last, let lowest = validationLoss.min() else { return ("no epochs.", .inconclusive) }
    let lowestEpoch = validationLoss.firstIndex(of: lowest)! + 1
    let measured = "none: clean training accuracy \(none.summary { $0.fitCurves.last?.training.accuracy ?? .nan }.percentText()) after \(trainingAccuracy.count) epochs, "
        + "validation accuracy \(none.summary { $0.fitCurves.last?.validation.accuracy ?? .nan }.percentText()); mean validation loss lowest \(String(format: "%.3f", lowest)) "
        + "after epoch \(lowestEpoch), \(String(format: "%.3f", lastLoss)) at the end (\(String(format: "%+.0f%%", (lastLoss / lowest - 1) * 100)))."
    if last < 0.99 { return (measured, .notReproduced) }
    return (measured, lastLoss > 1.1 * lowest ? .reproduced : .inconclusive)
}

/// Reproduced when `name`'s test accuracy is significantly above the unregularized entry's (Welch, 5%),
/// not reproduced when it is significantly below, inconclusive otherwise.
private func judgeImproves(_ result: ComparisonResult, name: String) -> (measured: String, verdict: Verdict) {
    guard let none = result.entry("none"), let entry = result.entry(name), !none.finished.isEmpty, !entry.finished.isEmpty
    else { return ("\(name) or the unregularized entry diverged.", .inconclusive) }
    let test = WelchTest(entry.testAccuracy, none.testAccuracy)
    let measured = "test accuracy \(name) \(entry.testAccuracy.percentText()) vs none \(none.testAccuracy.percentText()) (Welch p = \(pText(test))); "
        + "generalization gap at the end \(name) \(gap(entry).percentText()) vs none \(gap(none).percentText())."
    if test.isSignificant { return (measured, test.t > 0 ? .reproduced : .notReproduced) }
    return (measured, .inconclusive)
}

/// The diagnosis of every setting, the gap table and the training-against-validation curves.
private func addRegularizationSections(_ result: ComparisonResult, to report: inout Report) {
    let finished = result.entries.filter { !$0.finished.isEmpty }
    report.addHeading("Diagnosis of every setting, from its curves")
    report.addParagraph("Training accuracy and loss here are those of the clean training subset (no dropout, augmentation or mixing, "
        + "evaluation mode) after each epoch, validation on \(result.data.validation.count) held-out images, both with the plain cross-entropy; means over the seeds.\n\n"
        + result.entries.map { "- **\($0.name)**: \(fitDiagnosis($0))" }.joined(separator: "\n"))
    var table = Table(headers: ["regularization", "epochs run", "clean training accuracy", "validation accuracy", "gap (points)", "clean training loss", "validation loss"])
    for entry in finished {
        let last = { (value: (FitPoint) -> Double) in entry.summary { $0.fitCurves.last.map(value) ?? .nan } }
        table.append([
            .text(entry.name), .text(entry.summary { Double($0.fitCurves.count) }.text(decimals: 1)),
            .text(last { $0.training.accuracy }.percentText()), .text(last { $0.validation.accuracy }.percentText()),
            .text(String(format: "%.1f ± %.1f", gap(entry).mean * 100, gap(entry).standardDeviation * 100)),
            .text(last { $0.training.loss }.text(decimals: 3)), .text(last { $0.validation.loss }.text(decimals: 3)),
        ])
    }
    report.addTable(table, title: "At the end of training: mean ± standard deviation over seeds")
    for (index, entry) in finished.enumerated() {
        let chart = LineChart(
            title: "\(entry.name): training against validation", x: .init("epoch"), y: .init("cross-entropy", scale: .log10),
            series: [("training (clean)", \TrainingOutcome.trainingLossCurve), ("validation", \TrainingOutcome.validationLossCurve)].map { name, curve in
                meanSeries(name, entry.finished.map { $0[keyPath: curve] }, x: { Double($0 + 1) })
            }, showsMarkers: true)
        report.addPlot(chart, fileName: "fit-\(index + 1).svg", caption: "\(entry.name): the clean training loss and the validation loss after each epoch, mean over seeds with ±1 standard deviation bands, log scale. A widening gap with a rising validation curve is overfitting.")
    }
    report.addPlot(
        LineChart(title: "Validation loss of every setting", x: .init("epoch"), y: .init("validation cross-entropy", scale: .log10),
                  series: finished.map { meanSeries($0.name, $0.finished.map(\.validationLossCurve), x: { Double($0 + 1) }) }, showsMarkers: true),
        fileName: "validation-loss.svg", caption: "Validation loss after each epoch, mean over seeds with ±1 standard deviation bands.")
}
