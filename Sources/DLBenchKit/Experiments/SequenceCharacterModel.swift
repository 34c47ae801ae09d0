import DLNN
import DLReport
import Foundation

/// Character language models on Tiny Shakespeare, trained by truncated BPTT with the state carried
/// (detached) from chunk to chunk: bits per character on the held-out tail against steps for RNN,
/// LSTM and GRU, the effect of the truncation length, and text sampled at a few temperatures.
struct SequenceCharacterModel {
    struct Settings {
        var steps = 300
        var truncation = 64
        /// Other truncation lengths tried with the LSTM, for the same number of characters.
        var otherTruncations = [16, 128]
        var streams = 32
        var embeddingSize = 32
        var hiddenSize = 128
        var learningRate: Float = 3e-3
        var clipNorm: Float = 5
        var evaluations = 5
        var heldOutCharacters = 20_000
        var sampleLength = 300
        var temperatures: [Float] = [0.5, 1.0, 1.5]
        /// Each seed its own initialization; the text is the same.
        var seeds: [UInt64] = [1, 2, 3]
    }

    /// Embedding → recurrent network → Dense over every step, run by hand so that the state can be carried.
    final class Model {
        let embedding: Embedding
        let network: RecurrentNetwork
        let head: Dense
        var parameters: [Parameter] { embedding.parameters + network.parameters + head.parameters }

        init(cell: SequenceCell, vocabulary: Int, settings: Settings, seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            embedding = Embedding(vocabularySize: vocabulary, embeddingSize: settings.embeddingSize, generator: &generator)
            network = cell.network(inputSize: settings.embeddingSize, hiddenSize: settings.hiddenSize, generator: &generator)
            head = Dense(inputSize: settings.hiddenSize, outputSize: vocabulary, weightInitializer: .xavierUniform(), generator: &generator)
        }

        /// Logits [T·N, V] for indices [T, N] from `state`, and the final state.
        func forward(_ indices: Tensor, state: RecurrentState?) -> (logits: Tensor, state: RecurrentState) {
            let (output, final) = network.forward(embedding.forward(indices), initialState: state)
            return (head.forward(output.reshaped(TensorShape(output.shape[0] * output.shape[1], output.shape[2]))), final)
        }

        func backward(_ gradient: Tensor, steps: Int, streams: Int) {
            let outputGradient = head.backward(gradient).reshaped(TensorShape(steps, streams, network.directionCount * network.hiddenSize))
            embedding.accumulateParameterGradients(network.backward(outputGradient, finalStateGradient: nil).inputGradient)
        }

        func setTraining(_ training: Bool) {
            for layer in [embedding, network, head] as [any Layer] { layer.isTraining = training }
        }
    }

    /// One configuration trained with one seed.
    struct Run {
        var cell: SequenceCell
        var truncation: Int
        /// (training step, held-out bits per character).
        var curve: [(step: Int, bits: Double)]
        var seconds: Double
        var finalBits: Double { curve.last?.bits ?? .nan }
    }

    let settings: Settings
    let vocabularySize: Int
    var runs: [Run] = []
    var samples: [(temperature: Float, text: String)] = []

    /// Trains every configuration with every seed, `width` runs at once; the samples come from the
    /// first seed's LSTM at the main truncation.
    init(settings: Settings, corpus: CharacterCorpus, width: Int = 1, log: (String) -> Void) throws {
        self.settings = settings
        let vocabularySize = corpus.vocabulary.count
        self.vocabularySize = vocabularySize
        let (training, heldOut) = try corpus.split(heldOutFraction: 0.1)
        let evaluation = try CharacterStreams(
            text: Array(heldOut.prefix(settings.heldOutCharacters)), vocabularySize: vocabularySize, steps: settings.truncation)
        let jobs = configurations.flatMap { configuration in settings.seeds.map { (cell: configuration.cell, truncation: configuration.truncation, seed: $0) } }
        let results = try parallelMap(jobs, width: width) { job -> (run: Run, samples: [(temperature: Float, text: String)]) in
            let model = Model(cell: job.cell, vocabulary: vocabularySize, settings: settings, seed: job.seed)
            // The same number of characters per run: fewer, longer chunks for a longer truncation.
            let steps = max(1, settings.steps * settings.truncation / job.truncation)
            let data = try CharacterStreams(text: training, vocabularySize: vocabularySize, steps: job.truncation)
            let start = DispatchTime.now()
            let curve = try Self.train(model, on: data, steps: steps, evaluation: evaluation, settings: settings)
            let run = Run(cell: job.cell, truncation: job.truncation, curve: curve, seconds: secondsSince(start))
            log(String(format: "char LM %@, BPTT %d, seed %llu: %.3f bits/char after %d steps", job.cell.displayName, job.truncation, job.seed, run.finalBits, steps))
            guard job.cell == .lstm, job.truncation == settings.truncation, job.seed == settings.seeds.first else { return (run, []) }
            var generator = SeededGenerator(seed: job.seed &+ 7)
            return (run, settings.temperatures.map { ($0, Self.sample(model, corpus: corpus, temperature: $0, length: settings.sampleLength, generator: &generator)) })
        }
        runs = results.map(\.run)
        samples = results.flatMap(\.samples)
    }

    /// Adam with global-norm clipping over `steps` consecutive chunks (restarting the streams when
    /// they run out), the state carried from chunk to chunk and cut from the gradient; evaluated
    /// `settings.evaluations` times, evenly spaced.
    static func train(_ model: Model, on data: CharacterStreams, steps: Int, evaluation: CharacterStreams, settings: Settings) throws -> [(step: Int, bits: Double)] {
        let optimizer = Adam(model.parameters, learningRate: settings.learningRate)
        let loss = SequenceCrossEntropy()
        var chunks = data.batches(size: settings.streams, shuffle: false, seed: 0)
        var epoch = 0
        chunks.startEpoch(epoch)
        var state: RecurrentState?
        var curve: [(step: Int, bits: Double)] = []
        let evaluateEvery = max(1, steps / max(settings.evaluations, 1))
        for step in 1...steps {
            var next = chunks.nextTrainingBatch()
            if next == nil {
                epoch += 1
                chunks.startEpoch(epoch)
                state = nil
                next = chunks.nextTrainingBatch()
            }
            guard let batch = next, case .labels(let labels) = batch.targets else { break }
            model.setTraining(true)
            optimizer.zeroGradients()
            let (logits, final) = model.forward(batch.inputs, state: state)
            let (value, gradient) = loss.loss(logits, labels: labels)
            guard value.isFinite else { throw RunError("character model: the loss became \(value) at step \(step)") }
            model.backward(gradient, steps: batch.inputs.shape[0], streams: batch.inputs.shape[1])
            _ = clipGradients(of: model.parameters, byGlobalNorm: settings.clipNorm)
            optimizer.step()
            state = final
            if step % evaluateEvery == 0 || step == steps {
                if curve.last?.step != step { curve.append((step, bitsPerCharacter(model, on: evaluation, streams: settings.streams))) }
            }
        }
        return curve
    }

    /// The mean cross-entropy in bits of the held-out text, read in order with the state carried.
    static func bitsPerCharacter(_ model: Model, on data: CharacterStreams, streams: Int) -> Double {
        model.setTraining(false)
        let loss = SequenceCrossEntropy()
        var chunks = data.batches(size: streams, shuffle: false, seed: 0)
        chunks.startEpoch(0)
        var state: RecurrentState?
        var total = 0.0, count = 0
        while let batch = chunks.nextTrainingBatch() {
            guard case .labels(let labels) = batch.targets else { break }
            let (logits, final) = model.forward(batch.inputs, state: state)
            total += Double(loss.loss(logits, labels: labels).value) * Double(labels.count)
            count += labels.count
            state = final
        }
        return total / Double(max(count, 1)) / log(2)
    }

    /// `length` characters drawn one at a time from softmax(logits / temperature), primed with a newline.
    static func sample(_ model: Model, corpus: CharacterCorpus, temperature: Float, length: Int, generator: inout SeededGenerator) -> String {
        model.setTraining(false)
        var index = corpus.encode("\n")?.first ?? 0
        var state: RecurrentState?
        var drawn: [Int] = []
        for _ in 0..<length {
            let (logits, final) = model.forward(Tensor(shape: TensorShape(1, 1), scalars: [Float(index)]), state: state)
            state = final
            let scaled = logits.scalars.map { Double($0 / temperature) }
            let largest = scaled.max() ?? 0
            let weights = scaled.map { exp($0 - largest) }
            var u = generator.nextUnitDouble() * weights.reduce(0, +)
            index = weights.count - 1
            for (k, weight) in weights.enumerated() {
                u -= weight
                if u <= 0 { index = k; break }
            }
            drawn.append(index)
        }
        return corpus.decode(drawn)
    }

    func runs(_ cell: SequenceCell, truncation: Int) -> [Run] { runs.filter { $0.cell == cell && $0.truncation == truncation } }

    /// The final held-out bits per character of `cell` at `truncation` over the seeds.
    func bits(_ cell: SequenceCell, truncation: Int) -> Summary { Summary(runs(cell, truncation: truncation).map(\.finalBits)) }

    /// The configurations run, in order: every cell at the main truncation, then the LSTM at the others.
    var configurations: [(cell: SequenceCell, truncation: Int)] {
        SequenceCell.allCases.map { ($0, settings.truncation) } + settings.otherTruncations.map { (.lstm, $0) }
    }

    var settingText: String {
        "Tiny Shakespeare (bundled), the last 10% held out (bits per character on its first \(settings.heldOutCharacters) characters, read in order with the state carried); "
            + "Embedding(\(vocabularySize) → \(settings.embeddingSize)) → one layer of \(settings.hiddenSize) units → Dense(→ \(vocabularySize)); "
            + "\(settings.streams) streams, truncated BPTT over \(settings.truncation) characters with the state carried (detached), \(settings.steps) steps; "
            + "Adam η = \(settings.learningRate), global-norm clipping at \(settings.clipNorm), \(seedText(settings.seeds)); other truncations (LSTM) "
            + "\(settings.otherTruncations.map(String.init).joined(separator: ", ")) for the same number of characters"
    }

    /// The smallest difference in held-out bits per character counted as one (the held-out
    /// estimate itself varies by about 0.01 bits between seeds of the same model).
    static let margin = 0.05

    /// The uniform model's bits per character, log₂ V.
    var uniformBits: Double { log2(Double(vocabularySize)) }

    func claim() -> ClaimSection {
        let measured = SequenceCell.allCases.map { cell in
            "\(cell.displayName) \(bits(cell, truncation: settings.truncation).text(decimals: 3)) bits/char"
        }.joined(separator: ", ") + String(format: " (uniform: %.3f; n = %d seed(s) each)", uniformBits, settings.seeds.count)
        let rnn = bits(.rnn, truncation: settings.truncation)
        let lstm = bits(.lstm, truncation: settings.truncation)
        let gru = bits(.gru, truncation: settings.truncation)
        let separated = [lstm, gru].allSatisfy { gated in
            let test = WelchTest(rnn, gated)
            return test.pValue.isNaN || test.isSignificant
        }
        let test = settings.seeds.count > 1 ? "Welch's t-test against the RNN p < 0.05 for both" : "one seed, so no test of the spread"
        let verdict: Verdict
        let reason: String
        if lstm.mean < rnn.mean - Self.margin && gru.mean < rnn.mean - Self.margin && separated {
            verdict = .reproduced
            reason = String(format: "after %d steps the LSTM (%@) and GRU (%@) are more than %.2f bits below the RNN (%@) on the held-out tail; %@",
                            settings.steps, lstm.text(decimals: 3), gru.text(decimals: 3), Self.margin, rnn.text(decimals: 3), test)
        } else if !(lstm.mean < uniformBits - 0.5) {
            verdict = .inconclusive
            reason = String(format: "the LSTM has hardly learned in %d steps (%@ bits vs %.3f uniform)", settings.steps, lstm.text(decimals: 3), uniformBits)
        } else {
            verdict = .notReproduced
            reason = String(format: "after %d steps the RNN (%@) is not clearly worse than both gated cells (LSTM %@, GRU %@): the rule is a gap above %.2f bits, separated by Welch's t-test at 5%%",
                            settings.steps, rnn.text(decimals: 3), lstm.text(decimals: 3), gru.text(decimals: 3), Self.margin)
        }
        return ClaimSection(
            statement: "gated cells (LSTM, GRU) model characters better than a vanilla RNN of the same width",
            source: "Karpathy, Johnson & Fei-Fei 2015 (char-rnn)", setting: settingText, measured: measured, verdict: verdict, reason: reason)
    }

    /// The mean curve of each configuration over its seeds, with a ±1 standard deviation band.
    func curveChart() -> LineChart {
        LineChart(
            title: "Held-out bits per character against training steps (mean ± std over seeds)", x: .init("training step"), y: .init("bits per character"),
            series: configurations.compactMap { cell, truncation in
                let runs = runs(cell, truncation: truncation)
                guard let steps = runs.first?.curve.map(\.step) else { return nil }
                return meanSeries("\(cell.displayName), BPTT \(truncation)", runs.map { $0.curve.map(\.bits) }) { Double(steps[$0]) }
            },
            showsMarkers: true)
    }

    func table() -> Table {
        var table = Table(headers: ["cell", "BPTT length", "steps", "held-out bits/char (mean)", "± std", "n", "seconds per run"])
        for (cell, truncation) in configurations {
            let runs = runs(cell, truncation: truncation)
            let bits = bits(cell, truncation: truncation)
            table.append([.text(cell.displayName), .integer(truncation), .integer(runs.first?.curve.last?.step ?? 0),
                          .number(bits.mean, .fixed(3)), .number(bits.standardDeviation, .fixed(3)), .integer(bits.count),
                          .number(Summary(runs.map(\.seconds)).mean, .fixed(1))])
        }
        table.markBest(inColumn: 3, .lowerIsBetter)
        return table
    }
}
