import DLNN
import DLReport
import Foundation

/// Exploding gradients and clipping (Pascanu, Mikolov & Bengio 2013): one tanh RNN whose recurrent
/// weights start `recurrentGain` times PyTorch's default (a spectral radius well above 1), trained
/// by plain SGD on the adding problem with and without global-norm clipping, from the same
/// initialization and data order.
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
        var seed: UInt64 = 1
    }

    struct Run {
        var clipped: Bool
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

    init(settings: Settings, log: (String) -> Void) throws {
        self.settings = settings
        let training = try SequenceDataset.addingProblem(count: settings.trainingSequences, length: settings.length, seed: settings.seed &+ 300)
        for clipped in [false, true] {
            var generator = SeededGenerator(seed: settings.seed)
            let model = SequenceCell.rnn.lastStepModel(inputSize: 2, hiddenSize: settings.hiddenSize, outputs: 1, generator: &generator)
            for parameter in model.allParameters where parameter.name.hasPrefix("weight_hh") {
                parameter.withUnsafeMutableValue { w in for i in w.indices { w[i] *= settings.recurrentGain } }
            }
            let recorder = GradientNormRecorder(model.allParameters)
            let trainer = Trainer(
                model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: settings.learningRate),
                configuration: TrainingConfiguration(
                    epochs: settings.epochs, batchSize: settings.batchSize, seed: settings.seed,
                    gradientClipping: clipped ? .globalNorm(settings.clipNorm) : nil),
                callbacks: [recorder])
            var divergedAt: Int?
            do {
                try trainer.fit(training: training, validation: nil)
            } catch let error as NonFiniteValueError {
                divergedAt = trainer.history.steps.count + 1
                log("exploding gradients, \(clipped ? "clipped" : "unclipped"): \(error)")
            }
            let run = Run(clipped: clipped, losses: trainer.history.steps.map { Double($0.loss) }, norms: recorder.norms, divergedAt: divergedAt)
            runs.append(run)
            log(String(format: "exploding gradients, %@: final loss %.4f, max gradient norm %.3g, %d spikes", clipped ? "clipped" : "unclipped",
                       run.finalLoss, run.norms.max() ?? .nan, run.spikes))
        }
    }

    var settingText: String {
        "tanh RNN, \(settings.hiddenSize) units, recurrent weights \(settings.recurrentGain)× PyTorch's default draw; adding problem T = \(settings.length), "
            + "\(settings.trainingSequences) sequences, MSE, plain SGD η = \(settings.learningRate), batch \(settings.batchSize), \(settings.epochs) epochs, seed \(settings.seed); "
            + "the same initialization and data order with and without global-norm clipping at \(settings.clipNorm)"
    }

    private func describe(_ run: Run) -> String {
        let ending = run.divergedAt.map { "diverged (non-finite) at step \($0)" } ?? String(format: "final loss %.4f", run.finalLoss)
        return String(format: "%@: %@, largest gradient norm %.3g, median %.3g, %d steps above 10× the median",
                      run.clipped ? "clipped" : "unclipped", ending, run.norms.max() ?? .nan,
                      run.norms.sorted()[safe: run.norms.count / 2] ?? .nan, run.spikes)
    }

    func claim() -> SequenceClaim {
        let measured = runs.map(describe).joined(separator: "; ")
        guard let plain = runs.first(where: { !$0.clipped }), let clipped = runs.first(where: \.clipped) else {
            return SequenceClaim(statement: claimStatement, source: source, setting: settingText, measured: measured, verdict: .notShown, reason: "a run is missing")
        }
        let explodes = plain.divergedAt != nil || plain.spikes > 0
        // Clipping helps when its run ends finite, lower than the unclipped one, and within twice
        // the error of predicting the constant 1 (a run that ends far above it learned nothing).
        let clippingHelps = clipped.divergedAt == nil && clipped.finalLoss < 2 * SequenceDataset.addingProblemBaselineError
            && (plain.divergedAt != nil || clipped.finalLoss < plain.finalLoss)
        let verdict: SequenceClaim.Verdict
        let reason: String
        if explodes && clippingHelps {
            verdict = .holds
            let outcome = plain.divergedAt != nil
                ? "without clipping the run diverged at step \(plain.divergedAt!); with clipping it finished at loss \(String(format: "%.4f", clipped.finalLoss))"
                : String(format: "without clipping the gradient norm spiked (%d steps above 10× the median) and the loss ended at %.4f; clipped, it ended at %.4f", plain.spikes, plain.finalLoss, clipped.finalLoss)
            reason = outcome + String(
                format: " (predicting 1 scores %.3f: clipping keeps the training finite and stable; %@)", SequenceDataset.addingProblemBaselineError,
                clipped.finalLoss < 0.5 * SequenceDataset.addingProblemBaselineError ? "the clipped RNN also learns the task" : "it does not make this RNN solve the task")
        } else if !explodes {
            verdict = .notShown
            reason = "the unclipped gradients did not explode in this setting (no step above 10× the median norm, no divergence), so clipping had nothing to fix"
        } else {
            verdict = .doesNotHold
            reason = String(format: "the gradients exploded but the clipped run did not end both lower and within twice the baseline %.3f (clipped %.4f vs unclipped %.4f)", SequenceDataset.addingProblemBaselineError, clipped.finalLoss, plain.finalLoss)
        }
        return SequenceClaim(statement: claimStatement, source: source, setting: settingText, measured: measured, verdict: verdict, reason: reason)
    }

    private var claimStatement: String { "clipping the global gradient norm tames exploding gradients in a recurrent network" }
    private var source: String { "Pascanu, Mikolov & Bengio 2013" }

    func lossChart() -> LineChart {
        LineChart(
            title: "Training loss per step, with and without clipping", x: .init("step"), y: .init("MSE (log)", scale: .log10),
            series: runs.map { run in
                .init(name: run.clipped ? "clipped at \(settings.clipNorm)" : "unclipped",
                      values: run.losses.map { $0.isFinite ? max($0, 1e-12) : .nan })
            })
    }

    func normChart() -> LineChart {
        LineChart(
            title: "Global gradient norm per step (before clipping)", x: .init("step"), y: .init("‖∇θ L‖ (log)", scale: .log10),
            series: runs.map { run in
                .init(name: run.clipped ? "clipped at \(settings.clipNorm)" : "unclipped", values: run.norms.map { $0.isFinite ? max($0, 1e-12) : .nan })
            })
    }
}

extension Array {
    /// The element at `index`, or nil outside the array.
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
