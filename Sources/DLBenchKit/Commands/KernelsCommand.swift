import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench kernels`: times the engine's core kernels on the cases of the peer harness.
struct KernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Time GEMM, convolutions, dense layers, two training steps, SVD and evaluation-mode inference on the cases of the peer benchmark harness.",
        discussion: """
            Each kernel is called once untimed, warmed up for --warmup seconds, then timed until --target seconds \
            are spent (at least 3 calls); the median is reported. With --jsonl every measurement is one JSON line \
            in the record schema of bench_peers.py, so that `bench_peers.py --with-cmd 'dlbench kernels --jsonl'` \
            tables our numbers beside the peers'. Threads: OpenBLAS's (OPENBLAS_NUM_THREADS). Each convolution \
            and dense case is followed by impl 'dlnn-gemms': the OpenBLAS GEMMs its products amount to, at the \
            same shapes over the whole batch, timed alone, so that the time spent outside the GEMMs shows.
            """)

    @Option(help: "Comma list of: \(KernelTask.allCases.map(\.rawValue).joined(separator: ", ")).")
    var tasks = KernelTask.allCases.map(\.rawValue).joined(separator: ",")

    @Option(parsing: .unconditional, help: "Seconds of timed calls per kernel.")
    var target = 0.6

    @Option(parsing: .unconditional, help: "Seconds of warm-up calls per kernel.")
    var warmup = 0.15

    @Flag(help: "Print one JSON record per measurement (the peer harness's schema) instead of a table.")
    var jsonl = false

    @Option(help: "How the result table is printed: table, csv, json or markdown.")
    var format: TableFormat = .table

    func validate() throws {
        _ = try parseList(tasks, option: "--tasks") as [KernelTask]
        if !(target > 0 && target <= 600) { throw ValidationError("--target must be a number of seconds in (0, 600], got \(target)") }
        if !(warmup >= 0 && warmup <= 600) { throw ValidationError("--warmup must be a number of seconds in [0, 600], got \(warmup)") }
    }

    func run() throws {
        let selected: [KernelTask] = try parseList(tasks, option: "--tasks")
        var table = Table(columns: ["task", "case", "impl", "ms (median)", "ms (min)", "calls", "GFLOP/s", "images/s"])
        try runKernelBenchmarks(selected, policy: TimingPolicy(target: target, warmup: warmup)) { measurement in
            if jsonl {
                writeLine(measurement.jsonLine())
                return
            }
            let imagesPerSecond = measurement.extra.first { $0.0 == "images_per_s" }?.1
            table.append([
                .text(measurement.task), .text(measurement.caseName), .text(measurement.implementation),
                .number(measurement.milliseconds, .significant(4)), .number(measurement.timing.minimum * 1e3, .significant(4)),
                .integer(measurement.timing.repetitions),
                measurement.gigaflopsPerSecond.map { .number($0, .fixed(1)) } ?? .missing,
                imagesPerSecond.map { .number($0, .fixed(0)) } ?? .missing,
            ])
        }
        let peakMegabytes = Double(peakResidentBytes()) / 1_048_576
        if jsonl {
            writeLine("{\"kind\":\"meta\",\"impl\":\"dlnn\",\"peak_rss_mb\":\((peakMegabytes * 10).rounded() / 10)}")
        } else {
            printTable(table, format: format)
            if format == .table { print("Peak resident memory: \(NumberFormat.fixed(1).string(for: peakMegabytes)) MiB.") }
        }
    }

    /// Writes `line` to standard output unbuffered, so that a reader sees each record as it is measured.
    private func writeLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
