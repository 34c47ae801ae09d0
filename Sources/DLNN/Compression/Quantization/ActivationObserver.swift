/// How a calibration run turns the activations it sees into a per-tensor scale.
public enum ActivationObserver: Equatable, Sendable {
    /// The largest |x| over all calibration batches (TensorRT's and PyTorch's `MinMaxObserver`,
    /// symmetric): no value saturates, but one outlier stretches the grid for all the rest.
    case maximum
    /// The mean over the calibration batches of each batch's `percentile`-th percentile of |x|
    /// (e.g. 99.99): the rare largest values saturate at ±127·s in exchange for a finer grid.
    case percentile(Double)

    /// The running range of one tensor's activations.
    public struct Range: Sendable {
        public let observer: ActivationObserver
        private var maximum: Float = 0
        private var percentileSum = 0.0
        /// Batches seen.
        public private(set) var batchCount = 0

        public init(observer: ActivationObserver) {
            if case .percentile(let p) = observer {
                require(p > 0 && p <= 100, "ActivationObserver.percentile(\(p)): expected a percentile in (0, 100]")
            }
            self.observer = observer
        }

        /// Takes one batch of activations into the range.
        public mutating func observe(_ activations: Tensor) {
            batchCount += 1
            switch observer {
            case .maximum:
                maximum = activations.withUnsafeBufferPointer { $0.reduce(maximum) { Swift.max($0, abs($1)) } }
            case .percentile(let p):
                var magnitudes = activations.withUnsafeBufferPointer { $0.map(abs) }
                guard !magnitudes.isEmpty else { return }
                magnitudes.sort()
                let index = Swift.min(magnitudes.count - 1, Int((p / 100 * Double(magnitudes.count - 1)).rounded()))
                percentileSum += Double(magnitudes[index])
            }
        }

        /// The symmetric scale of the range seen so far (1 before any nonzero activation).
        public var scale: Float {
            switch observer {
            case .maximum: Int8Tensor.scale(forMaximum: maximum)
            case .percentile: Int8Tensor.scale(forMaximum: batchCount == 0 ? 0 : Float(percentileSum / Double(batchCount)))
            }
        }
    }
}
