/// The adding problem (Hochreiter & Schmidhuber 1997; in the form of Le, Jaitly & Hinton 2015):
/// a long-range regression task whose length T is chosen freely.
extension SequenceDataset {
    /// `count` sequences of `length` steps of 2 channels: channel 0 holds values drawn from U(0, 1),
    /// channel 1 marks exactly two steps with 1 — one uniformly in the first half [0, ⌊T/2⌋), one
    /// in the second half [⌊T/2⌋, T) — and is 0 elsewhere. The target [S, 1] is the sum of the two
    /// marked values. Predicting the constant 1 scores the mean squared error Var(u₁ + u₂) = 1/6
    /// ≈ 0.167, the baseline a model must beat by remembering the marked values across up to T steps.
    ///
    /// Throws `SequenceDataError.setting` unless `length` ≥ 2 and `count` ≥ 0.
    public static func addingProblem(count: Int, length: Int, seed: UInt64) throws(SequenceDataError) -> SequenceDataset {
        guard length >= 2 else { throw .setting("adding problem: length T = \(length) must be at least 2 (a marked step in each half)") }
        guard count >= 0 else { throw .setting("adding problem: count \(count) must not be negative") }
        var generator = SeededGenerator(seed: seed)
        var sums = [Float](repeating: 0, count: count)
        let half = length / 2
        let sequences = Tensor(shape: TensorShape(count, length, 2)) { x in
            x.initialize(repeating: 0)
            for sample in 0..<count {
                let base = sample * length * 2
                for t in 0..<length { x[base + 2 * t] = generator.nextUnitFloat() }
                let first = generator.nextIndex(below: half)
                let second = half + generator.nextIndex(below: length - half)
                x[base + 2 * first + 1] = 1
                x[base + 2 * second + 1] = 1
                sums[sample] = x[base + 2 * first] + x[base + 2 * second]
            }
        }
        return try SequenceDataset(sequences: sequences, targets: .values(Tensor(shape: TensorShape(count, 1), scalars: sums)))
    }

    /// The mean squared error of always predicting 1 on the adding problem, 1/6.
    public static let addingProblemBaselineError = 1.0 / 6
}
