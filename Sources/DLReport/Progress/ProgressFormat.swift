import Foundation

/// The pieces of a progress line, as pure functions of the numbers they show.
enum ProgressFormat {
    /// A duration as `m:ss` below an hour and `h:mm:ss` from an hour on, in whole seconds as a
    /// stopwatch shows them: 42.9 s is `0:42`, 3723 s is `1:02:03`. Unknown (NaN, ±∞, negative)
    /// durations are `--:--`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let total = Int(seconds.rounded(.down))
        let (hours, minutes, secondsPart) = (total / 3600, total / 60 % 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0
            ? "\(hours):\(twoDigits(minutes)):\(twoDigits(secondsPart))"
            : "\(minutes):\(twoDigits(secondsPart))"
    }

    /// A rate with three significant digits and an SI prefix, `12.3k img/s`; below one item per
    /// second, the time per item instead, `2.50 s/epoch`. Unknown rates are `-- unit/s`.
    static func rate(_ itemsPerSecond: Double, unit: String) -> String {
        guard itemsPerSecond.isFinite, itemsPerSecond > 0 else { return "-- \(unit)/s" }
        return itemsPerSecond >= 1
            ? "\(compact(itemsPerSecond)) \(unit)/s"
            : "\(compact(1 / itemsPerSecond)) s/\(unit)"
    }

    /// `value` (at least 0) with three significant digits and an SI prefix: `1.23k`, `45.6`, `999`, `1.00M`.
    static func compact(_ value: Double) -> String {
        let prefixes = ["", "k", "M", "G", "T"]
        var scaled = value
        var prefix = 0
        // 999.5 and above would print as 1000 at three digits, so they take the next prefix.
        while scaled >= 999.5, prefix + 1 < prefixes.count {
            scaled /= 1000
            prefix += 1
        }
        let decimals = scaled < 9.995 ? 2 : scaled < 99.95 ? 1 : 0
        return String(format: "%.\(decimals)f", scaled) + prefixes[prefix]
    }

    /// A metric with up to four significant digits and no trailing zeros: `0.2314`, `0.001`, `97.12`.
    static func metric(_ value: Double) -> String {
        guard value.isFinite else { return nonFiniteText(value) }
        return String(format: "%.4g", value)
    }

    /// The seconds left at the average rate so far: (total − completed) · elapsed / completed,
    /// or NaN before the first item.
    static func remainingSeconds(completed: Int, total: Int, elapsed: Double) -> Double {
        guard completed > 0 else { return .nan }
        return Double(max(total - completed, 0)) * elapsed / Double(completed)
    }

    /// A progress line:
    /// `epoch 3/10  12800/60000 img (21%)  loss=0.2314 acc=0.9312  5.12k img/s  0:02 elapsed  ETA 0:09`.
    /// Without a total there is no percentage and no ETA; when `isFinished`, the ETA is left out.
    static func line(
        label: String, completed: Int, total: Int?, unit: String,
        metrics: [(String, Double)], elapsed: Double, isFinished: Bool
    ) -> String {
        var parts = [label]
        if let total {
            let percent = total > 0 ? 100 * completed / total : 100
            parts.append("\(completed)/\(total) \(unit) (\(percent)%)")
        } else {
            parts.append("\(completed) \(unit)")
        }
        if !metrics.isEmpty {
            parts.append(metrics.map { "\($0.0)=\(metric($0.1))" }.joined(separator: " "))
        }
        parts.append(rate(elapsed > 0 ? Double(completed) / elapsed : .nan, unit: unit))
        parts.append("\(duration(elapsed)) elapsed")
        if let total, !isFinished {
            parts.append("ETA " + duration(remainingSeconds(completed: completed, total: total, elapsed: elapsed)))
        }
        return parts.filter { !$0.isEmpty }.joined(separator: "  ")
    }
}
