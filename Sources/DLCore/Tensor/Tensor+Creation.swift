extension Tensor {
    /// A tensor of `shape` filled with zeros.
    public static func zeros(_ shape: TensorShape) -> Tensor {
        Tensor(repeating: 0, shape: shape)
    }

    /// A tensor of `shape` filled with ones.
    public static func ones(_ shape: TensorShape) -> Tensor {
        Tensor(repeating: 1, shape: shape)
    }

    /// A 1-D tensor holding `scalars`.
    public init(_ scalars: [Float]) {
        self.init(shape: [scalars.count], scalars: scalars)
    }

    /// A 2-D tensor from rows of equal length.
    public init(rows: [[Float]]) {
        let columnCount = rows.first?.count ?? 0
        require(rows.allSatisfy { $0.count == columnCount }, "Tensor(rows:): rows have different lengths")
        self.init(shape: [rows.count, columnCount], scalars: rows.flatMap { $0 })
    }

    /// A tensor of `shape` with independent draws from N(mean, standardDeviation²).
    public static func randomNormal(
        _ shape: TensorShape, mean: Float = 0, standardDeviation: Float = 1, using generator: inout SeededGenerator
    ) -> Tensor {
        Tensor(shape: shape) { buffer in
            for i in buffer.indices {
                buffer[i] = generator.nextNormal(mean: mean, standardDeviation: standardDeviation)
            }
        }
    }

    /// A tensor of `shape` with independent uniform draws from `range`.
    public static func randomUniform(
        _ shape: TensorShape, in range: Range<Float> = 0..<1, using generator: inout SeededGenerator
    ) -> Tensor {
        Tensor(shape: shape) { buffer in
            for i in buffer.indices {
                buffer[i] = generator.nextUniform(in: range)
            }
        }
    }
}
