import Foundation

/// The copy-memory task (Hochreiter & Schmidhuber 1997; in the form of Arjovsky, Shah & Bengio
/// 2016): remember a short string of symbols over a delay of T steps, then write it out.
extension SequenceDataset {
    /// `count` sequences of `delay + 2·copyLength` steps, one-hot over `symbols + 2` input classes:
    /// 0 is the blank, 1…`symbols` the symbols, `symbols + 1` the delimiter. The first `copyLength`
    /// steps are symbols drawn uniformly, then come blanks, the delimiter at step
    /// `copyLength + delay − 1`, and `copyLength` more blanks. The per-step labels (classes
    /// 0…`symbols`) are blank everywhere but the last `copyLength` steps, which repeat the symbols.
    ///
    /// A model that remembers nothing does best by writing blanks and then guessing uniformly:
    /// `copyMemoryBaselineLoss(…)` = copyLength·ln(symbols) / (delay + 2·copyLength) nats per step.
    ///
    /// Throws `SequenceDataError.setting` unless `delay` ≥ 1, `copyLength` ≥ 1, `symbols` ≥ 2 and `count` ≥ 0.
    public static func copyMemory(
        count: Int, delay: Int, copyLength: Int = 10, symbols: Int = 8, seed: UInt64
    ) throws(SequenceDataError) -> SequenceDataset {
        guard delay >= 1, copyLength >= 1, symbols >= 2, count >= 0 else {
            throw .setting("copy memory: delay \(delay) and copy length \(copyLength) must be at least 1, symbols \(symbols) at least 2, count \(count) not negative")
        }
        let length = delay + 2 * copyLength
        let classes = symbols + 2
        var generator = SeededGenerator(seed: seed)
        var labels = [Int](repeating: 0, count: count * length)
        let sequences = Tensor(shape: TensorShape(count, length, classes)) { x in
            x.initialize(repeating: 0)
            for sample in 0..<count {
                var input = [Int](repeating: 0, count: length)
                for t in 0..<copyLength {
                    let symbol = 1 + generator.nextIndex(below: symbols)
                    input[t] = symbol
                    labels[sample * length + length - copyLength + t] = symbol
                }
                input[copyLength + delay - 1] = symbols + 1
                for (t, symbol) in input.enumerated() { x[(sample * length + t) * classes + symbol] = 1 }
            }
        }
        return try SequenceDataset(sequences: sequences, targets: .stepLabels(labels), classCount: symbols + 1)
    }

    /// The cross-entropy per step (nats) of the best memoryless strategy on `copyMemory(…)`.
    public static func copyMemoryBaselineLoss(delay: Int, copyLength: Int = 10, symbols: Int = 8) -> Double {
        Double(copyLength) * log(Double(symbols)) / Double(delay + 2 * copyLength)
    }
}
