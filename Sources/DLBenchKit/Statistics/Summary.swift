import Foundation

/// The mean, sample standard deviation and size of repeated measurements (one per seed).
struct Summary: Equatable {
    var count: Int
    var mean: Double
    /// The sample standard deviation, √(Σ(xᵢ − x̄)² / (n − 1)); 0 for a single value.
    var standardDeviation: Double

    /// The summary of `values`; an empty list has a NaN mean and deviation.
    init(_ values: [Double]) {
        let mean = values.isEmpty ? Double.nan : values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        count = values.count
        self.mean = mean
        standardDeviation = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : (values.isEmpty ? .nan : 0)
    }

    var variance: Double { standardDeviation * standardDeviation }

    /// "97.12 ± 0.08%": mean ± standard deviation as percentages.
    func percentText(decimals: Int = 2) -> String {
        String(format: "%.\(decimals)f ± %.\(decimals)f%%", mean * 100, standardDeviation * 100)
    }

    /// "2.301 ± 0.004": mean ± standard deviation with `decimals` decimals ("2.3e+16 ± 4e+16" beyond 10⁶).
    func text(decimals: Int = 3) -> String {
        abs(mean) < 1e6
            ? String(format: "%.\(decimals)f ± %.\(decimals)f", mean, standardDeviation)
            : String(format: "%.2g ± %.2g", mean, standardDeviation)
    }
}
