import DLNN
import DLReport
import Foundation

/// The adding problem as T grows, for RNN, LSTM and GRU: test error and accuracy, and the norm of
/// ∂L/∂hₜ against t in the trained networks at the longest T.
struct SequenceVanishingGradients {
    struct Settings {
        var lengths = [10, 40, 80]
        var trainingSequences = 6_000
        var testSequences = 1_000
        var epochs = 5
        var hiddenSize = 64
        var batchSize = 64
        var learningRate: Float = 3e-3
        var clipNorm: Float = 1
        var seed: UInt64 = 1
    }

    struct Run {
        var cell: SequenceCell
        var length: Int
        var testError: Double
        /// The fraction of test sequences predicted within 0.04 of the sum.
        var accuracy: Double
        var seconds: Double
    }

    /// ‖∂L/∂hₜ‖ (mean over a batch of test sequences) at steps `steps`, for one cell.
    struct GradientProfile {
        var cell: SequenceCell
        var steps: [Int]
        var norms: [Double]
    }

    /// A prediction within this distance of the target counts as correct.
    static let tolerance: Float = 0.04

    let settings: Settings
    var runs: [Run] = []
    var profiles: [GradientProfile] = []

    init(settings: Settings, log: (String) -> Void) throws {
        self.settings = settings
        let longest = settings.lengths.max() ?? 0
        for length in settings.lengths {
            let training = try SequenceDataset.addingProblem(count: settings.trainingSequences, length: length, seed: settings.seed &+ 100)
            let testing = try SequenceDataset.addingProblem(count: settings.testSequences, length: length, seed: settings.seed &+ 200)
            for cell in SequenceCell.allCases {
                var generator = SeededGenerator(seed: settings.seed)
                let model = cell.lastStepModel(inputSize: 2, hiddenSize: settings.hiddenSize, outputs: 1, generator: &generator)
                let trainer = Trainer(
                    model: model, loss: MeanSquaredError(), optimizer: Adam(model.allParameters, learningRate: settings.learningRate),
                    configuration: TrainingConfiguration(
                        epochs: settings.epochs, batchSize: settings.batchSize, seed: settings.seed, gradientClipping: .globalNorm(settings.clipNorm)))
                let start = DispatchTime.now()
                try trainer.fit(training: training, validation: nil)
                let seconds = secondsSince(start)
                let (error, accuracy) = Self.score(model, on: testing)
                runs.append(Run(cell: cell, length: length, testError: error, accuracy: accuracy, seconds: seconds))
                log(String(format: "adding problem T = %d, %@: test MSE %.4f, accuracy %.1f%%", length, cell.displayName, error, accuracy * 100))
                if length == longest { profiles.append(Self.gradientProfile(model, cell: cell, on: testing.prefix(128))) }
            }
        }
    }

    /// The test mean squared error and the fraction within `tolerance`.
    static func score(_ model: Sequential, on data: SequenceDataset) -> (error: Double, accuracy: Double) {
        model.setTraining(false)
        var batches = data.batches(size: 256, shuffle: false, seed: 0)
        batches.startEpoch(0)
        var squares = 0.0, hits = 0
        while let batch = batches.nextTrainingBatch() {
            guard case .values(let targets) = batch.targets else { continue }
            let predictions = model.forward(batch.inputs).scalars
            for (prediction, target) in zip(predictions, targets.scalars) {
                squares += Double((prediction - target) * (prediction - target))
                if abs(prediction - target) < tolerance { hits += 1 }
            }
        }
        return (squares / Double(max(data.count, 1)), Double(hits) / Double(max(data.count, 1)))
    }

    /// ‖∂L/∂hₜ‖ for the MSE loss at the last step, at about 20 steps t from 0 to T − 1: the network
    /// is run to step t, and from there with hₜ as its initial state, so that ∂L/∂(initial state)
    /// of the second run is ∂L/∂hₜ (for an LSTM with cₜ held fixed). Mean over the batch of the
    /// per-sequence norms, times N (the loss is a mean over the batch).
    static func gradientProfile(_ model: Sequential, cell: SequenceCell, on data: SequenceDataset) -> GradientProfile {
        let last = LastTimeStep()
        model.setTraining(false)
        var batches = data.batches(size: data.count, shuffle: false, seed: 0)
        batches.startEpoch(0)
        guard let network = try? model.layer(at: "rnn") as? RecurrentNetwork, let head = try? model.layer(at: "head"),
              let batch = batches.nextTrainingBatch(), case .values(let targets) = batch.targets else {
            return GradientProfile(cell: cell, steps: [], norms: [])
        }
        let (length, rows, hidden) = (data.length, data.count, network.hiddenSize)
        let stride = max(1, length / 20)
        let steps = Array(Swift.stride(from: 0, to: length, by: stride))
        let loss = MeanSquaredError()
        var norms: [Double] = []
        for t in steps {
            // h_t is the state after step t − 1 (the initial state for t = 0).
            let zeros = Tensor.zeros(TensorShape(1, rows, hidden))
            let start = t == 0
                ? RecurrentState(hidden: zeros, cell: cell == .lstm ? zeros : nil)
                : network.forward(batch.inputs.slice(batch: 0..<t), initialState: nil).finalState
            let output = network.forward(batch.inputs.slice(batch: t..<length), initialState: start).output
            let prediction = head.forward(last.forward(output))
            let gradient = loss.loss(prediction, targets: targets).gradient
            let stateGradient = network.backward(last.backward(head.backward(gradient)), finalStateGradient: nil).initialStateGradient.hidden
            let g = stateGradient.scalars
            var total = 0.0
            for n in 0..<rows {
                total += (0..<hidden).reduce(0.0) { $0 + Double(g[n * hidden + $1]) * Double(g[n * hidden + $1]) }.squareRoot()
            }
            norms.append(total)
        }
        model.zeroGradients()
        return GradientProfile(cell: cell, steps: steps, norms: norms)
    }

    func run(_ cell: SequenceCell, length: Int) -> Run? { runs.first { $0.cell == cell && $0.length == length } }

    var settingText: String {
        "adding problem (2 channels: values U(0, 1) and two markers, target their sum), T ∈ {\(settings.lengths.map(String.init).joined(separator: ", "))}; "
            + "\(settings.trainingSequences) training and \(settings.testSequences) test sequences per T; one layer of \(settings.hiddenSize) units, last step → Dense(→ 1); "
            + "MSE, Adam η = \(settings.learningRate), global-norm clipping at \(settings.clipNorm), batch \(settings.batchSize), \(settings.epochs) epochs, seed \(settings.seed); "
            + "accuracy: |prediction − target| < \(Self.tolerance)"
    }

    func claim() -> SequenceClaim {
        let longest = settings.lengths.max() ?? 0
        let baseline = SequenceDataset.addingProblemBaselineError
        let measured = settings.lengths.map { length in
            "T = \(length): " + SequenceCell.allCases.compactMap { cell in
                run(cell, length: length).map { String(format: "%@ MSE %.4f (acc. %.1f%%)", cell.displayName, $0.testError, $0.accuracy * 100) }
            }.joined(separator: ", ")
        }.joined(separator: "; ") + String(format: "; baseline (predict 1) %.3f", baseline)
        let rnn = run(.rnn, length: longest)?.testError ?? .nan
        let gated = [run(.lstm, length: longest), run(.gru, length: longest)].compactMap { $0?.testError }.min() ?? .nan
        let rnnFails = rnn > 0.5 * baseline
        let gatedSucceeds = gated < 0.25 * baseline
        let verdict: SequenceClaim.Verdict
        let reason: String
        switch (rnnFails, gatedSucceeds) {
        case (true, true):
            verdict = .holds
            reason = String(format: "at T = %d the RNN stays near the baseline (MSE %.4f > half of %.3f) while the best gated cell solves most of it (MSE %.4f < a quarter of it)", longest, rnn, baseline, gated)
        case (false, true):
            verdict = .notShown
            reason = String(format: "at T = %d the RNN too learns the task (MSE %.4f ≤ half the baseline %.3f); a longer T (`--full`: up to 200) is needed to see it fail", longest, rnn, baseline)
        case (_, false):
            verdict = .notShown
            reason = String(format: "at T = %d no gated cell solved the task within the budget (best MSE %.4f, RNN %.4f, baseline %.3f): more training steps are needed", longest, gated, rnn, baseline)
        }
        return SequenceClaim(
            statement: "a vanilla RNN fails the adding problem at long T where an LSTM (and GRU) succeeds",
            source: "Hochreiter & Schmidhuber 1997; Le, Jaitly & Hinton 2015",
            setting: settingText, measured: measured, verdict: verdict, reason: reason)
    }

    func table() -> Table {
        var table = Table(headers: ["T"] + SequenceCell.allCases.flatMap { ["\($0.displayName) MSE", "\($0.displayName) acc."] })
        for length in settings.lengths {
            table.append([.integer(length)] + SequenceCell.allCases.flatMap { cell -> [Cell] in
                guard let run = run(cell, length: length) else { return [.missing, .missing] }
                return [.number(run.testError, .fixed(4)), .number(run.accuracy, .percent(1))]
            })
        }
        return table
    }

    func gradientChart() -> LineChart {
        LineChart(
            title: "‖∂L/∂hₜ‖ against t (trained networks, T = \(settings.lengths.max() ?? 0))", x: .init("time step t"),
            y: .init("‖∂L/∂hₜ‖ (mean per sequence)", scale: .log10),
            series: profiles.map { .init(name: $0.cell.displayName, x: $0.steps.map(Double.init), y: $0.norms.map { max($0, 1e-30) }) },
            showsMarkers: true)
    }
}
