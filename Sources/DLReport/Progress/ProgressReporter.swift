import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of a long loop on standard error: a label, items done out of the total, a few
/// metrics, the rate and the time left.
///
/// On a terminal it redraws one line in place (at most ten times a second); when standard error
/// is a file or a pipe, as in CI logs, it prints a line every `interval` seconds instead.
///
///     let progress = ProgressReporter(label: "epoch 3/10", total: 60_000, unit: "img")
///     for batch in batches {
///         …
///         progress.update(completed: seen, metrics: [("loss", loss), ("acc", accuracy)])
///     }
///     progress.finish(metrics: [("loss", epochLoss)])
///
/// prints `epoch 3/10  12800/60000 img (21%)  loss=0.2314 acc=0.9312  5.12k img/s  0:02 elapsed  ETA 0:09`.
public final class ProgressReporter {
    /// How progress is shown.
    public enum Mode: Sendable {
        /// `interactive` when standard error is a terminal, `periodic` otherwise.
        case automatic
        /// One line redrawn in place with a carriage return.
        case interactive
        /// A new line every `interval` seconds, and one at the end.
        case periodic
        /// Nothing.
        case quiet
    }

    /// The text in front of the numbers, e.g. `epoch 3/10`.
    public var label: String
    /// The number of items in all, or `nil` when unknown (no percentage, no ETA).
    public let total: Int?
    /// The name of an item in rates and counts, e.g. `img`, `step`.
    public let unit: String

    private let mode: Mode
    private let interval: Double
    private let clock: () -> Double
    private let output: (String) -> Void
    /// The width of the terminal: an interactive line longer than this would wrap, and the
    /// carriage return would then redraw only its last part.
    private let columns: Int?
    private let start: Double
    private var lastPrinted: Double
    private var completed = 0
    private var isFinished = false

    /// A reporter whose clock starts now.
    ///
    /// - Parameters:
    ///   - label: The text in front of the numbers.
    ///   - total: The number of items in all, or `nil` when unknown.
    ///   - unit: The name of an item, default `it`.
    ///   - mode: How progress is shown; `.automatic` by default.
    ///   - interval: The seconds between lines in `periodic` mode, default 10.
    public convenience init(
        label: String, total: Int?, unit: String = "it", mode: Mode = .automatic, interval: Double = 10
    ) {
        let resolved: Mode = mode == .automatic ? (isatty(STDERR_FILENO) != 0 ? .interactive : .periodic) : mode
        self.init(
            label: label, total: total, unit: unit, mode: resolved, interval: interval,
            clock: { ProcessInfo.processInfo.systemUptime },
            output: { FileHandle.standardError.write(Data($0.utf8)) },
            columns: resolved == .interactive ? ProgressReporter.terminalColumns() : nil
        )
    }

    /// A reporter with its own clock (seconds) and output, for tests.
    init(
        label: String, total: Int?, unit: String, mode: Mode, interval: Double,
        clock: @escaping () -> Double, output: @escaping (String) -> Void, columns: Int? = nil
    ) {
        self.label = label
        self.total = total
        self.unit = unit
        self.mode = mode
        self.interval = interval
        self.clock = clock
        self.output = output
        self.columns = columns
        start = clock()
        lastPrinted = start
    }

    /// Records that `completed` items are done, with the current metrics, and shows it if it
    /// is time to: in interactive mode after 0.1 s since the last redraw, in periodic mode
    /// after `interval`.
    public func update(completed: Int, metrics: [(String, Double)] = []) {
        self.completed = completed
        guard !isFinished, mode != .quiet else { return }
        let now = clock()
        let wait = mode == .interactive ? 0.1 : interval
        guard now - lastPrinted >= wait else { return }
        lastPrinted = now
        show(metrics: metrics, elapsed: now - start)
    }

    /// Shows the final line, with the total time and no ETA, and ends it; later calls do nothing.
    /// - Parameter completed: The items done, if not already given to `update`.
    public func finish(completed: Int? = nil, metrics: [(String, Double)] = []) {
        guard !isFinished else { return }
        isFinished = true
        if let completed { self.completed = completed }
        guard mode != .quiet else { return }
        show(metrics: metrics, elapsed: clock() - start)
    }

    private func show(metrics: [(String, Double)], elapsed: Double) {
        let line = ProgressFormat.line(
            label: label, completed: completed, total: total, unit: unit,
            metrics: metrics, elapsed: elapsed, isFinished: isFinished
        )
        if mode == .interactive {
            // Carriage return, the line, then "erase to end of line" for a shorter line's leftovers.
            let fitted = columns.map { String(line.prefix(max($0 - 1, 1))) } ?? line
            output("\r" + fitted + "\u{1B}[K" + (isFinished ? "\n" : ""))
        } else {
            output(line + "\n")
        }
    }

    /// The number of columns of the terminal on standard error, or `nil` if unknown.
    private static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
