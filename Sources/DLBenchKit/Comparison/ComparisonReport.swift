import DLNN
import DLReport
import Foundation

/// The one report builder of the engine: settings, the results table (mean ± standard deviation
/// over seeds, with n), findings that claim a difference only when Welch's t-test finds one at 5%,
/// the claims' verdicts, the plots (means with ±1 standard deviation bands) and the machine.
extension ComparisonResult {
    /// One row per entry, in the order defined.
    var table: Table {
        let target = "steps to \(percent(thresholds.target, decimals: 1))"
        var table = Table(headers: [
            definition.entryKind, "learning rate", "n", "test accuracy", "final validation accuracy", "final training loss",
            target, "diverged", "seconds", "learned",
        ])
        for result in entries {
            let steps = result.stepsToReach(thresholds.target)
            let stepsText = steps.isEmpty
                ? "—" : "\(Int(Summary(steps.map(Double.init)).mean.rounded()))" + (steps.count < result.runs.count ? " (\(steps.count)/\(result.runs.count))" : "")
            let finished = !result.finished.isEmpty
            table.append([
                .text(result.name), Cell(result.entry.spec.effectiveLearningRate, format: .significant(3)), .integer(result.finished.count),
                finished ? .text(result.testAccuracy.percentText()) : .missing,
                finished ? .text(result.finalValidationAccuracy.percentText()) : .missing,
                finished ? .text(result.finalTrainingLoss.text(decimals: 4)) : .missing,
                .text(stepsText), .integer(result.divergedCount),
                finished ? .number(result.trainingSeconds.mean, .fixed(1)) : .missing,
                .text(result.learned(thresholds) ? "yes" : "no"),
            ])
        }
        return table
    }

    /// One line for the terminal and the report index.
    var summary: String {
        var text = "\(definition.title) on \(data.training.count) \(data.name) training images, \(seeds.count) seed\(seeds.count == 1 ? "" : "s")"
        if let best = ranked.first, !best.finished.isEmpty {
            text += ": best \(best.name), test accuracy \(best.testAccuracy.percentText()) (n = \(best.finished.count))"
        }
        let learned = entries.filter { $0.learned(thresholds) }.count
        return text + "; \(learned) of \(entries.count) learned (≥ \(percent(thresholds.learned, decimals: 1)) validation accuracy). "
            + String(format: "Wall time %.1f min.", wallSeconds / 60)
    }

    /// The findings: the best entry against every other, each difference tested (Welch's t, 5%).
    var findings: [String] {
        let ranked = self.ranked
        guard let best = ranked.first, best.finished.count > 0 else { return ["No entry finished training: every run diverged."] }
        var lines: [String] = []
        for other in ranked.dropFirst() where !other.finished.isEmpty {
            lines.append(comparisonSentence(best, other))
        }
        for other in ranked where other.divergedCount > 0 {
            let steps = other.divergedSteps.isEmpty ? "" : " (at step \(other.divergedSteps.map(String.init).joined(separator: ", ")))"
            lines.append(other.finished.isEmpty
                ? "\(other.name) diverged with every seed\(steps)."
                : "\(other.name) diverged with \(other.divergedCount) of \(other.runs.count) seeds\(steps); its statistics are over the others.")
        }
        let notLearned = entries.filter { !$0.learned(thresholds) }
        lines.append(notLearned.isEmpty
            ? "Every \(definition.entryKind) learned (\(thresholds.text))."
            : "\(notLearned.count) of \(entries.count) did not learn: \(notLearned.map(\.name).joined(separator: ", ")) (\(thresholds.text)).")
        return lines
    }

    /// "A beats B on test accuracy …" when Welch's test finds the difference at 5%, otherwise "no measurable difference".
    func comparisonSentence(_ a: EntryResult, _ b: EntryResult) -> String {
        let test = WelchTest(a.testAccuracy, b.testAccuracy)
        let numbers = "\(a.testAccuracy.percentText()) vs \(b.testAccuracy.percentText())"
        if test.pValue.isNaN {
            return "\(a.name) vs \(b.name): \(numbers); one seed per entry cannot tell a difference from noise (use --seeds 3 or more)."
        }
        let statistics = String(format: "Welch t = %.2f, ν = %.1f, p = %.3f", test.t, test.degreesOfFreedom, test.pValue)
        return test.isSignificant
            ? "**\(a.name) beats \(b.name)** on test accuracy: \(numbers) (\(statistics))."
            : "\(a.name) vs \(b.name): no measurable difference at this budget, \(numbers) (\(statistics))."
    }

    /// The report of the comparison.
    func report() -> Report {
        var report = Report(title: "dlbench \(definition.name)", summary: summary)
        report.addParagraph(definition.question)
        let grid = tuning.values.first.map { $0.map(\.learningRate) } ?? []
        let rates = tuning.isEmpty
            ? "fixed by each entry (see table)" : "chosen per \(definition.entryKind) from the grid \(LearningRateGrid.text(grid)), unless fixed by the entry"
        report.addSettings([
            ("data", .text(data.summary)),
            ("training subset", .text(subsetDescription(data, availableTrainingImages: availableTrainingImages))),
            ("budget", .text(budget.text)),
            ("seeds", .text(seeds.map(String.init).joined(separator: ", ") + " (initialization, data order and augmentation; the validation split is that of --seed)")),
            ("learning rate", .text(rates)),
            ("thresholds", .text(thresholds.text)),
            ("initial loss", .text(initialLosses.map(\.text).joined(separator: "; "))),
            ("input normalization", .text("per-channel standardization, statistics of the training split")),
            ("total wall time", .text(String(format: "%.1f s", wallSeconds))),
            ("runs at once", .text("\(parallelRuns) (`--jobs`), each with one OpenBLAS thread")),
        ])
        report.addTable(table, title: "Results: mean ± standard deviation over the n seeds that finished")
        report.addParagraph(
            "*Test accuracy* is measured after the last epoch; the test set never chooses anything. *Steps to target* is the mean, "
                + "over the seeds that reached it (how many, if not all), of the last step of the first epoch whose validation accuracy reached "
                + "the target. *Seconds* count training steps only. A difference is called one only when Welch's t-test on the seeds' "
                + "test accuracies gives p < \(WelchTest.significanceLevel).")
        report.addHeading("Findings")
        report.addParagraph(findings.map { "- " + $0 }.joined(separator: "\n"))
        for claim in definition.claims {
            let (measured, verdict) = claim.judge(self)
            report.addClaim(claim.statement, source: claim.source, setting: "\(data.name), \(budget.text), \(seeds.count) seeds", measured: measured, verdict: verdict)
        }
        addDiagnoses(to: &report)
        addCurves(to: &report)
        if !tuning.isEmpty { addTuning(to: &report) }
        definition.addSections(self, &report)
        report.addMachine(MachineInfo.current())
        return report
    }

    /// Why each entry that did not learn did not, judged from its first seed's loss curve.
    private func addDiagnoses(to report: inout Report) {
        let notes = entries.filter { !$0.learned(thresholds) }.compactMap { result in
            result.runs.first.map { "- **\(result.name)** (η = \(result.entry.spec.effectiveLearningRate)): \(diagnosis(of: $0, threshold: thresholds.learned))" }
        }
        guard !notes.isEmpty else { return }
        report.addHeading("Entries that did not learn")
        report.addParagraph(notes.joined(separator: "\n"))
    }

    private func addCurves(to report: inout Report) {
        let curves = entries.filter { !$0.finished.isEmpty }
        report.addPlot(
            LineChart(title: "Training loss", x: .init("step"), y: .init("mini-batch loss", scale: .log10),
                      series: curves.map { meanSeries($0.name, $0.finished.map { smoothedLoss($0.history) }, x: { Double($0 + 1) }) }),
            fileName: "loss.svg",
            caption: "Training loss per step (exponential moving average over about \(smoothingSpan) steps, bias-corrected), log scale; "
                + "the line is the mean over seeds, the band ±1 standard deviation.")
        let perEpoch: [(title: String, file: String, values: (TrainingOutcome) -> [Double])] = [
            ("Validation accuracy", "validation-accuracy.svg", { $0.history.epochs.map { $0.validationAccuracy ?? .nan } }),
            ("Test accuracy", "test-accuracy.svg", { $0.testAccuracyPerEpoch }),
        ]
        for (title, file, values) in perEpoch {
            let chart = LineChart(
                title: title, x: .init("epoch"), y: .init("accuracy"),
                series: curves.map { meanSeries($0.name, $0.finished.map(values), x: { Double($0 + 1) }) }, showsMarkers: true)
            report.addPlot(chart, fileName: file, caption: "\(title) after each epoch, mean over seeds with a ±1 standard deviation band.")
        }
    }

    /// The sensitivity plot and the grid's table.
    private func addTuning(to report: inout Report) {
        let tuned = entries.filter { tuning[$0.name] != nil }
        report.addPlot(
            LineChart(
                title: "Learning-rate sensitivity", x: .init("learning rate", scale: .log10), y: .init("validation accuracy after 1 epoch"),
                series: tuned.map { result in
                    let trials = tuning[result.name]!
                    return .init(name: result.name, x: trials.map { Double($0.learningRate) }, y: trials.map(\.validationAccuracy))
                },
                showsMarkers: true),
            fileName: "learning-rate-sensitivity.svg",
            caption: "Validation accuracy of each learning rate of the grid (one short run each; gaps are diverged runs). "
                + "Defaults sit at one point of these curves: an optimizer at a rate far from its peak looks worse than it is.")
        let rates = tuned.first.map { tuning[$0.name]!.map(\.learningRate) } ?? []
        var table = Table(headers: [definition.entryKind] + rates.map { NumberFormat.significant(2).string(for: Double($0)) } + ["chosen"])
        for result in tuned {
            table.append([.text(result.name)] + tuning[result.name]!.map { $0.validationAccuracy.isNaN ? .text("diverged") : .number($0.validationAccuracy, .percent(1)) }
                + [Cell(result.entry.spec.effectiveLearningRate, format: .significant(3))])
        }
        report.addTable(table, title: "Learning-rate grid: validation accuracy after 1 short epoch")
    }
}

/// Steps a loss curve is smoothed over.
let smoothingSpan = 20

/// The per-step loss of `history`, smoothed by `exponentialMovingAverage` over `smoothingSpan` steps.
func smoothedLoss(_ history: TrainingHistory) -> [Double] {
    exponentialMovingAverage(history.steps.map { Double($0.loss) }, span: smoothingSpan)
}

/// The mean of `curves` (cut to the shortest) at each index, with a ±1 standard deviation band when there are several.
func meanSeries(_ name: String, _ curves: [[Double]], x: (Int) -> Double) -> LineChart.Series {
    let length = curves.map(\.count).min() ?? 0
    let summaries = (0..<length).map { i in Summary(curves.map { $0[i] }) }
    let mean = summaries.map(\.mean)
    let band = curves.count > 1
        ? LineChart.Band(lower: summaries.map { $0.mean - $0.standardDeviation }, upper: summaries.map { $0.mean + $0.standardDeviation }) : nil
    return .init(name: name, x: (0..<length).map(x), y: mean, band: band)
}
