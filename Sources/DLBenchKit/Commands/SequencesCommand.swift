import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench sequences`: why LSTM exists — row-by-row MNIST, vanishing gradients on the adding
/// problem, exploding gradients and clipping, and character language models on Tiny Shakespeare,
/// each a claim — setting — measured — verdict section.
struct SequencesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sequences",
        abstract: "Recurrent networks and attention on sequence tasks: row-MNIST, the adding problem as T grows, gradient clipping, a character LM on Tiny Shakespeare.")

    /// The parts, in the order run.
    enum Part: String, CaseIterable, ExpressibleByArgument {
        case rows, adding, clipping, characters
    }

    @OptionGroup var common: CommonOptions

    @OptionGroup var parallel: ParallelOptions

    @Flag(help: "The budgets of the claims: full MNIST for 10 epochs, T up to 200, 3000 character-model steps (hours on 2 cores).")
    var full = false

    @Option(help: "Comma-separated parts: \(Part.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var parts: String?

    @Option(parsing: .unconditional, help: "Seeds per configuration, from --seed up (default \(Self.defaultSeeds); 1 with --quick). Tables give mean ± standard deviation and n.")
    var seeds: Int?

    /// Seeds per configuration at the default and `--full` budgets.
    static let defaultSeeds = 3

    @Option(help: ArgumentHelp("The character corpus (UTF-8 text, plain or gzip). Default: the bundled Tiny Shakespeare.", valueName: "file"))
    var corpus: String?

    func validate() throws {
        if full && common.quick { throw ValidationError("--full and --quick exclude each other") }
        if common.batchSize != nil { throw ValidationError("--batch-size: each part of sequences has its own batch size") }
        try checkRange(seeds, 1...20, option: "--seeds")
        _ = try selectedParts()
        if let corpus, !FileManager.default.fileExists(atPath: corpus) {
            throw ValidationError("--corpus \(corpus): no such file")
        }
    }

    func selectedParts() throws -> [Part] {
        guard let parts else { return Part.allCases }
        let selected: [Part] = try parseList(parts, option: "--parts")
        if selected.isEmpty { throw ValidationError("--parts: no part given") }
        return Part.allCases.filter(selected.contains)
    }

    /// The budgets: default (about 10 minutes on 2 cores), `--quick` (seconds) or `--full`.
    func budgets() -> (rows: SequenceRowMNIST.Settings, adding: SequenceVanishingGradients.Settings,
                       clipping: SequenceExplodingGradients.Settings, characters: SequenceCharacterModel.Settings) {
        var rows = SequenceRowMNIST.Settings(), adding = SequenceVanishingGradients.Settings()
        var clipping = SequenceExplodingGradients.Settings(), characters = SequenceCharacterModel.Settings()
        if common.quick {
            (rows.trainingImages, rows.testImages, rows.hiddenSize) = (256, 128, 16)
            (adding.lengths, adding.trainingSequences, adding.testSequences, adding.epochs, adding.hiddenSize) = ([5, 10], 256, 64, 1, 8)
            (clipping.length, clipping.trainingSequences, clipping.epochs, clipping.hiddenSize) = (10, 256, 1, 8)
            (characters.steps, characters.otherTruncations, characters.streams, characters.hiddenSize) = (6, [32], 4, 16)
            (characters.truncation, characters.heldOutCharacters, characters.sampleLength, characters.evaluations) = (16, 600, 40, 2)
        } else if full {
            (rows.trainingImages, rows.testImages, rows.epochs) = (60_000, 10_000, 10)
            (adding.lengths, adding.trainingSequences, adding.testSequences, adding.epochs) = ([10, 50, 100, 200], 20_000, 2_000, 10)
            (clipping.length, clipping.epochs) = (100, 5)
            (characters.steps, characters.heldOutCharacters, characters.evaluations) = (3_000, 111_540, 10)
        }
        if let epochs = common.epochs { (rows.epochs, adding.epochs, clipping.epochs) = (epochs, epochs, epochs) }
        let seedList = (0..<(seeds ?? (common.quick ? 1 : Self.defaultSeeds))).map { common.seed &+ UInt64($0) }
        (rows.seeds, adding.seeds, clipping.seeds, characters.seeds) = (seedList, seedList, seedList, seedList)
        return (rows, adding, clipping, characters)
    }

    func run() throws {
        try withSingleThreadedBLAS { try runParts() }
    }

    private func runParts() throws {
        let directory = try common.outputDirectory(for: "sequences")
        let parts = try selectedParts()
        let budgets = budgets()
        let quiet = common.quiet
        let log: (String) -> Void = { line in if !quiet { FileHandle.standardError.write(Data("sequences: \(line)\n".utf8)) } }
        var report = Report(title: "Sequences: why LSTM exists")
        var claims: [ClaimSection] = []
        var sections: [(inout Report) -> Void] = []
        let start = DispatchTime.now()
        if parts.contains(.rows) {
            let mnist = try MNIST.load(directory: common.dataDirectory ?? MNIST.bundledDirectory)
            let result = try SequenceRowMNIST(settings: budgets.rows, train: mnist.train, test: mnist.test, width: parallel.width, log: log)
            claims.append(result.claim())
            sections.append { report in
                report.addTable(result.table(), title: "Row-by-row MNIST: test accuracy and seconds per training epoch")
            }
        }
        if parts.contains(.adding) {
            let result = try SequenceVanishingGradients(settings: budgets.adding, width: parallel.width, log: log)
            claims.append(result.claim())
            sections.append { report in
                report.addTable(result.table(), title: "Adding problem: test MSE (baseline of predicting 1: 0.167) and accuracy (|error| < 0.04) as T grows")
                report.addPlot(result.gradientChart(), fileName: "gradient-norm-vs-step.svg",
                               caption: "‖∂L/∂hₜ‖ of the loss at the last step with respect to the state at step t, in the trained networks: how much of the gradient reaches early steps.")
            }
        }
        if parts.contains(.clipping) {
            let result = try SequenceExplodingGradients(settings: budgets.clipping, width: parallel.width, log: log)
            claims.append(result.claim())
            sections.append { report in
                report.addPlot(result.lossChart(), fileName: "clipping-loss.svg", caption: "Training loss per step of the same RNN with and without clipping.")
                report.addPlot(result.normChart(), fileName: "clipping-gradient-norm.svg", caption: "Global gradient norm per step, measured before clipping.")
            }
        }
        if parts.contains(.characters) {
            let file = corpus.map { URL(fileURLWithPath: $0) } ?? CharacterCorpus.bundledFile
            let text = try CharacterCorpus.load(file)
            let result = try SequenceCharacterModel(settings: budgets.characters, corpus: text, width: parallel.width, log: log)
            claims.append(result.claim())
            sections.append { report in
                report.addTable(result.table(), title: "Character models: held-out bits per character (uniform: \(String(format: "%.2f", result.uniformBits)))")
                report.addPlot(result.curveChart(), fileName: "bits-per-character.svg", caption: "Held-out bits per character against training steps.")
                let samples = result.samples.map { "**Temperature \($0.temperature)**\n\n```text\n\($0.text)\n```" }.joined(separator: "\n\n")
                report.addHeading("Text sampled from the LSTM")
                report.addParagraph(samples)
            }
        }
        report.summary = claims.map(\.summary).joined(separator: "; ")
        report.addSettings([
            ("budget", .text(common.quick ? "--quick (smoke test: the verdicts mean nothing)" : full ? "--full" : "default")),
            ("seeds", .text(seedText(budgets.rows.seeds))),
            ("total wall time", .text(String(format: "%.1f s", secondsSince(start)))),
            ("runs at once", .text("\(parallel.width) (`--jobs`), each with one OpenBLAS thread")),
        ])
        for claim in claims { claim.add(to: &report) }
        for section in sections { section(&report) }
        report.addMachine(MachineInfo.current())
        try report.write(to: directory)
        if common.format == .table {
            for claim in claims { print(claim.summary + (claim.reason.map { " — \($0)" } ?? "")) }
            print("Report: \(directory.appendingPathComponent("report.md").path)")
        }
    }
}
