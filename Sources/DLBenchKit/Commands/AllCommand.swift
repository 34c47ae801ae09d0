import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench all`: runs every comparison into its own folder and writes `REPORT.md` linking their reports.
struct AllCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run every comparison (the engine's \(ComparisonRegistry.names.joined(separator: ", ")), then \(standaloneComparisons.joined(separator: ", "))) and write REPORT.md linking their reports.")

    /// The subcommands not yet built on the comparison engine, run after the engine's.
    static let standaloneComparisons = ["search", "norms", "compress", "classic", "sanity", "sequences"]

    /// The comparisons, in the order run and listed: the registry's, then the standalone ones.
    static let comparisons = ComparisonRegistry.names + standaloneComparisons

    /// Minutes each comparison took at its defaults in one `make bench` on a 2-core AMD EPYC (Zen 5, AVX-512) with two
    /// runs at once, 2026-12-02 (10.6 min in all, with the direct convolution kernels; 32 min before them on a Zen 3; the
    /// engine's with 3 seeds; they scale with `--seeds`). The estimate printed before a run.
    static let measuredMinutes: [String: Double] = [
        "optimizers": 0.6, "schedules": 0.3, "adaptive-vs-sgd": 0.4, "learning-rates": 0.1, "large-batch": 0.7, "init": 1.4,
        "regularize": 0.4, "search": 0.4, "norms": 2.0, "compress": 2.7, "classic": 0.3, "sanity": 0.1, "sequences": 1.2,
    ]

    /// About how long `names` take: the measured minutes, the engine's scaled by `seeds` / 3; one minute each with `--quick`.
    static func estimatedMinutes(_ names: [String], seeds: Int, quick: Bool) -> Double {
        names.reduce(0) { total, name in
            let minutes = quick ? 1 : measuredMinutes[name] ?? 5
            return total + (ComparisonRegistry.named(name) != nil && !quick ? minutes * Double(seeds) / 3 : minutes)
        }
    }

    @Option(help: ArgumentHelp("A folder of IDX files (MNIST layout) or CIFAR-10/100 binary files. Default: the bundled MNIST.", valueName: "path"))
    var data: String?

    @Option(parsing: .unconditional, help: "Seed of every comparison (the first seed of the engine's).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Seeds per entry of the engine's comparisons.")
    var seeds = 3

    @Option(help: ArgumentHelp("Folder of REPORT.md and of one subfolder per comparison.", valueName: "dir"))
    var out = "bench-results"

    @Option(help: "Comma-separated comparisons to run (default: \(comparisons.joined(separator: ","))).")
    var only: String?

    @Flag(help: "Small, fast runs of every comparison, for smoke tests.")
    var quick = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        _ = try selectedComparisons()
        try checkRange(seeds, 1...100, option: "--seeds")
        try checkFolderName(out, option: "--out")
    }

    /// The comparisons named by `--only`, in the standard order, or all of them.
    func selectedComparisons() throws -> [String] {
        guard let only else { return Self.comparisons }
        let names = only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for name in names where !Self.comparisons.contains(name) {
            throw ValidationError("--only: unknown comparison '\(name)' (known: \(Self.comparisons.joined(separator: ", ")))")
        }
        if names.isEmpty { throw ValidationError("--only: no comparison given") }
        return Self.comparisons.filter(names.contains)
    }

    /// The arguments passed to comparison `name`: `compare <name>` for the registry's, its folder
    /// under `--out` and the shared flags.
    func arguments(for name: String) -> [String] {
        let engine = ComparisonRegistry.named(name) != nil
        var arguments = (engine ? ["compare", name, "--seeds", String(seeds)] : [name])
            + ["--out", URL(fileURLWithPath: out).appendingPathComponent(name).path, "--seed", String(seed)]
        if let data { arguments += ["--data", data] }
        if quick { arguments.append("--quick") }
        if quiet { arguments.append("--quiet") }
        return arguments
    }

    func run() throws {
        let root = URL(fileURLWithPath: out, isDirectory: true)
        try prepareWritableDirectory(root, option: "--out")
        var entries: [ReportIndex.Entry] = []
        var timings = Table(headers: ["comparison", "outcome", "minutes"])
        var failures: [String] = []
        let start = DispatchTime.now()
        let names = try selectedComparisons()
        if !quiet {
            let estimate = Self.estimatedMinutes(names, seeds: seeds, quick: quick)
            FileHandle.standardError.write(Data("dlbench all: \(names.count) comparison\(names.count == 1 ? "" : "s") (\(names.joined(separator: ", "))), about \(Int(estimate.rounded(.up))) min \(quick ? "at most (each under a minute)" : "on 2 cores (as measured on a 2-core AMD EPYC; \(ProcessInfo.processInfo.activeProcessorCount) here)").\n".utf8))
        }
        for name in names {
            let folder = root.appendingPathComponent(name, isDirectory: true)
            let runStart = DispatchTime.now()
            var outcome = "done"
            do {
                if !quiet { FileHandle.standardError.write(Data("dlbench all: \(name)\n".utf8)) }
                // Each comparison runs exactly as `dlbench <name> …` would, through the root command's parser.
                var command = try DLBench.parseAsRoot(arguments(for: name))
                try command.run()
                entries.append(Self.entry(for: folder, name: name))
            } catch {
                outcome = "failed: \(DLBench.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines))"
                failures.append(name)
                entries.append(.init(title: name, folder: folder, summary: "**Failed:** \(outcome.dropFirst("failed: ".count))"))
                FileHandle.standardError.write(Data("dlbench all: \(name) \(outcome)\n".utf8))
            }
            timings.append([.text(name), .text(outcome), .number(minutes(since: runStart), .fixed(1))])
        }
        let introduction = """
            \(quick ? "Quick runs (`--quick`: subsets of the data, fewer epochs), for smoke tests only." : "Full runs (`dlbench all`).") \
            Seed \(seed); the engine's comparisons use seeds \(seed) to \(seed &+ UInt64(seeds - 1)). Total time \(NumberFormat.fixed(1).string(for: minutes(since: start))) minutes; \
            peak resident memory \(NumberFormat.fixed(0).string(for: Double(peakResidentBytes()) / 1_048_576)) MiB.

            \(timings.markdown())
            """
        let index = ReportIndex(title: "dlbench results", introduction: introduction, entries: entries)
        let file = try index.write(to: root)
        print("Report: \(file.path)")
        if !failures.isEmpty {
            throw FailedComparisons(names: failures)
        }
    }

    /// The index entry of the comparison written to `folder`: the title and summary of its `results.json`.
    static func entry(for folder: URL, name: String) -> ReportIndex.Entry {
        let json = (try? Data(contentsOf: folder.appendingPathComponent("results.json")))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return ReportIndex.Entry(title: json?["title"] as? String ?? name, folder: folder, summary: json?["summary"] as? String)
    }

    private func minutes(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 60e9
    }
}

/// The comparisons of `dlbench all` that failed; the others were reported.
struct FailedComparisons: Error, CustomStringConvertible {
    var names: [String]

    var description: String { "failed: \(names.joined(separator: ", ")) (see REPORT.md)" }
}
