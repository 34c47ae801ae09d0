import DLNN
import DLReport
import Foundation

/// Exploding gradients and clipping (Pascanu, Mikolov & Bengio 2013): one tanh RNN whose recurrent
/// weights start `recurrentGain` times PyTorch's default (a spectral radius well above 1), trained
/// by plain SGD on the adding problem with and without global-norm clipping, from the same
/// initialization and data order; each seed draws its own data and initialization.
struct SequenceExplodingGradients {
    struct Settings {
        var length = 50
        var trainingSequences = 6_000
        var epochs = 3
        var hiddenSize = 64
        var batchSize = 32
        var learningRate: Float = 0.02
        var recurrentGain: Float = 3
        var clipNorm: Float = 1
        var seeds: [UInt64] = [1, 2, 3]
    }

    /// One training run, with or without clipping, of one seed.
    struct Run {
        var clipped: Bool
        var seed: UInt64
        var losses: [Double]
        /// The global gradient norm of every step, before clipping.
        var norms: [Double]
        /// The step at which the loss or a gradient became non-finite, if it did.
        var divergedAt: Int?

        /// The mean loss of the last 10% of the steps (at least one).
        var finalLoss: Double {
            guard !losses.isEmpty else { return .nan }
            let tail = losses.suffix(max(1, losses.count / 10))
            return tail.reduce(0, +) / Double(tail.count)
        }

        /// Steps whose gradient norm is more than 10 times the median.
        var spikes: Int {
            let sorted = norms.sorted()
            guard !sorted.isEmpty else { return 0 }
            let median = sorted[sorted.count / 2]
            return norms.filter { $0 > 10 * median }.count
        }
    }

    let settings: Settings
    var runs: [Run] = []

    /// Trains the RNN of every seed with and without clipping, `width` runs at once.
    init(settings: Settings, width: Int = 1, log: (String) -> Void) throws {
        self.settings = settings
        let jobs = settings.seeds.flatMap { seed in [false, true].map { (seed: seed, clipped: $0) } }
        runs = try parallelMap(jobs, width: width) { job in
            let training = try SequenceDataset.addingProblem(count: settings.trainingSequences, length: settings.length, seed: job.seed &+ 300)
            let run = try Self.train(clipped: job.clipped, seed: job.seed, settings: settings, training: training, log: log)
            log(String(format: "exploding gradients, seed %llu, %@: final loss %.4f, max gradient norm %.3g, %d spikes", job.seed,
                       job.clipped ? "clipped" : "unclipped", run.finalLoss, run.norms.max() ?? .nan, run.spikes))
            return run
        }
    }

    /// The RNN of `seed` trained on `training`, clipped or not.
    private static func train(clipped: Bool, seed: UInt64, settings: Settings, training: SequenceDataset, log: (String) -> Void) throws -> Run {
        var generator = SeededGenerator(seed: seed)
        let model = SequenceCell.rnn.lastStepModel(inputSize: 2, hiddenSize: settings.hiddenSize, outputs: 1, generator: &generator)
        for parameter in model.allParameters where parameter.name.hasPrefix("weight_hh") {
            parameter.withUnsafeMutableValue { w in for i in w.indices { w[i] *= settings.recurrentGain } }
        }
        let recorder = GradientNormRecorder(model.allParameters)
        let trainer = Trainer(
            model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: settings.learningRate),
            configuration: TrainingConfiguration(
                epochs: settings.epochs, batchSize: settings.batchSize, seed: seed,
                gradientClipping: clipped ? .globalNorm(settings.clipNorm) : nil),
            callbacks: [recorder])
        var divergedAt: Int?
        do {
            try trainer.fit(training: training, validation: nil)
        } catch let error as NonFiniteValueError {
            divergedAt = trainer.history.steps.count + 1
            log("exploding gradients, \(clipped ? "clipped" : "unclipped"): \(error)")
        }
        return Run(clipped: clipped, seed: seed, losses: trainer.history.steps.map { Double($0.loss) }, norms: recorder.norms, divergedAt: divergedAt)
    }

    var settingText: String {
        "tanh RNN, \(settings.hiddenSize) units, recurrent weights \(settings.recurrentGain)× PyTorch's default draw; adding problem T = \(settings.length), "
            + "\(settings.trainingSequences) sequences, MSE, plain SGD η = \(settings.learningRate), batch \(settings.batchSize), \(settings.epochs) epochs, \(seedText(settings.seeds)), each seed its own data and initialization; "
            + "the same initialization and data order with and without global-norm clipping at \(settings.clipNorm)"
    }

    private func describe(_ run: Run) -> String {
        let ending = run.divergedAt.map { "diverged (non-finite) at step \($0)" } ?? String(format: "final loss %.4f", run.finalLoss)
        return String(format: "seed %llu %@: %@, largest gradient norm %.3g, median %.3g, %d steps above 10× the median", run.seed,
                      run.clipped ? "clipped" : "unclipped", ending, run.norms.max() ?? .nan,
                      run.norms.sorted()[safe: run.norms.count / 2] ?? .nan, run.spikes)
    }

    /// What one seed's pair of runs shows.
    enum SeedOutcome: Equatable {
        /// The unclipped gradients exploded and clipping fixed the training.
        case clippingHelped
        /// The unclipped gradients did not explode: nothing to fix.
        case noExplosion
        /// The gradients exploded and clipping did not fix the training.
        case clippingFailed
    }

    /// The outcome of the seed's unclipped run `plain` and clipped run `clipped`.
    static func outcome(plain: Run, clipped: Run) -> SeedOutcome {
        guard plain.divergedAt != nil || plain.spikes > 0 else { return .noExplosion }
        // Clipping helps when its run ends finite, lower than the unclipped one, and within twice
        // the error of predicting the constant 1 (a run that ends far above it learned nothing).
        let helps = clipped.divergedAt == nil && clipped.finalLoss < 2 * SequenceDataset.addingProblemBaselineError
            && (plain.divergedAt != nil || clipped.finalLoss < plain.finalLoss)
        return helps ? .clippingHelped : .clippingFailed
    }

    /// The (unclipped, clipped) runs of each seed, in seed order.
    var pairs: [(plain: Run, clipped: Run)] {
        settings.seeds.compactMap { seed in
            guard let plain = runs.first(where: { $0.seed == seed && !$0.clipped }), let clipped = runs.first(where: { $0.seed == seed && $0.clipped }) else { return nil }
            return (plain, clipped)
        }
    }

    func claim() -> ClaimSection {
        let measured = runs.map(describe).joined(separator: "; ")
        let pairs = pairs
        guard !pairs.isEmpty else {
            return ClaimSection(statement: claimStatement, source: source, setting: settingText, measured: measured, verdict: .inconclusive, reason: "a run is missing")
        }
        let outcomes = pairs.map { Self.outcome(plain: $0.plain, clipped: $0.clipped) }
        let (helped, quiet, failed) = (outcomes.filter { $0 == .clippingHelped }.count, outcomes.filter { $0 == .noExplosion }.count, outcomes.filter { $0 == .clippingFailed }.count)
        let clippedLoss = Summary(pairs.map(\.clipped.finalLoss))
        let diverged = pairs.filter { $0.plain.divergedAt != nil }.count
        let verdict: Verdict
        var reason: String
        if failed > 0 {
            verdict = .notReproduced
            reason = "in \(failed) of \(pairs.count) seed(s) the gradients exploded but the clipped run did not end both lower and within twice the baseline \(String(format: "%.3f", SequenceDataset.addingProblemBaselineError))"
        } else if helped == 0 {
            verdict = .inconclusive
            reason = "in none of the \(pairs.count) seed(s) did the unclipped gradients explode (no step above 10× the median norm, no divergence), so clipping had nothing to fix"
        } else {
            verdict = .reproduced
            reason = "in \(helped) of \(pairs.count) seed(s) the unclipped gradients exploded (\(diverged) run(s) diverged to non-finite values, the others spiked above 10× the median norm) "
                + "and clipping kept the training finite and stable: the clipped runs end at loss \(clippedLoss.text(decimals: 4))"
                + String(format: " (predicting 1 scores %.3f; %@)", SequenceDataset.addingProblemBaselineError,
                         clippedLoss.mean < 0.5 * SequenceDataset.addingProblemBaselineError ? "the clipped RNN also learns the task" : "clipping does not make this RNN solve the task")
            if quiet > 0 { reason += "; in the other \(quiet) seed(s) the gradients did not explode" }
        }
        return ClaimSection(
            statement: claimStatement, source: source,
            setting: settingText + "; reproduced when the gradients explode in at least one seed and clipping fixes the training in every seed where they do",
            measured: measured, verdict: verdict, reason: reason)
    }

    private var claimStatement: String { "clipping the global gradient norm tames exploding gradients in a recurrent network" }
    private var source: String { "Pascanu, Mikolov & Bengio 2013" }

    /// The legend name of `run`: clipped or not, and its seed when there are several.
    private func seriesName(_ run: Run) -> String {
        (run.clipped ? "clipped at \(settings.clipNorm)" : "unclipped") + (settings.seeds.count > 1 ? ", seed \(run.seed)" : "")
    }

    func lossChart() -> LineChart {
        LineChart(
            title: "Training loss per step, with and without clipping", x: .init("step"), y: .init("MSE (log)", scale: .log10),
            series: runs.map { run in .init(name: seriesName(run), values: run.losses.map { $0.isFinite ? max($0, 1e-12) : .nan }) })
    }

    func normChart() -> LineChart {
        LineChart(
            title: "Global gradient norm per step (before clipping)", x: .init("step"), y: .init("‖∇θ L‖ (log)", scale: .log10),
            series: runs.map { run in .init(name: seriesName(run), values: run.norms.map { $0.isFinite ? max($0, 1e-12) : .nan }) })
    }
}

extension Array {
    /// The element at `index`, or nil outside the array.
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
