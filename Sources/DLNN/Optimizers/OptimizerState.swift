/// A snapshot of an optimizer's state, for checkpoints.
///
/// Keys follow PyTorch's slot names, prefixed by the parameter's index across all groups in
/// order (the first parameter of the second group follows the last of the first):
/// tensors `"0.exp_avg"`, `"0.exp_avg_sq"`, `"3.momentum_buffer"` have the shape of their
/// parameter; scalars `"0.step"` (how many updates that parameter has had), `"learning_rate"`,
/// and optimizer-specific ones such as SWATS's `"switch_step"`.
///
/// Encoding (`Codable`) writes `stepCount` and `scalars` only, for a JSON file; `tensors` are
/// meant for a tensor file (safetensors) and decode as empty, to be filled in by the reader.
public struct OptimizerState: Sendable, Equatable {
    /// The optimizer's `stepCount`.
    public var stepCount: Int
    /// Named scalars; integers (step counts) are stored exactly.
    public var scalars: [String: Double]
    /// Named per-parameter tensors.
    public var tensors: [String: Tensor]

    /// Creates a state from its parts.
    public init(stepCount: Int = 0, scalars: [String: Double] = [:], tensors: [String: Tensor] = [:]) {
        self.stepCount = stepCount
        self.scalars = scalars
        self.tensors = tensors
    }
}

extension OptimizerState: Codable {
    private enum CodingKeys: String, CodingKey {
        case stepCount = "step_count"
        case scalars
    }

    /// Decodes `stepCount` and `scalars`; `tensors` is left empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            stepCount: try container.decode(Int.self, forKey: .stepCount),
            scalars: try container.decode([String: Double].self, forKey: .scalars)
        )
    }

    /// Encodes `stepCount` and `scalars`, not `tensors`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stepCount, forKey: .stepCount)
        try container.encode(scalars, forKey: .scalars)
    }
}

/// Why `Optimizer.load(_:)` rejected a state.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
    /// The state lacks a tensor this optimizer needs.
    case missingTensor(key: String)
    /// The state has a tensor this optimizer does not know (another optimizer, or more parameters).
    case unexpectedTensor(key: String)
    /// A tensor's shape differs from its parameter's.
    case shapeMismatch(key: String, expected: TensorShape, found: TensorShape)
    /// The state lacks a scalar this optimizer needs.
    case missingScalar(key: String)
    /// The state has a scalar this optimizer does not know.
    case unexpectedScalar(key: String)
    /// A scalar is out of its range, e.g. a negative or fractional step count.
    case invalidScalar(key: String, value: Double)

    public var description: String {
        switch self {
        case .missingTensor(let key): "optimizer state: missing tensor \"\(key)\""
        case .unexpectedTensor(let key): "optimizer state: unexpected tensor \"\(key)\""
        case .shapeMismatch(let key, let expected, let found):
            "optimizer state: tensor \"\(key)\" has shape \(describe(found)), its parameter has shape \(describe(expected))"
        case .missingScalar(let key): "optimizer state: missing scalar \"\(key)\""
        case .unexpectedScalar(let key): "optimizer state: unexpected scalar \"\(key)\""
        case .invalidScalar(let key, let value): "optimizer state: scalar \"\(key)\" has invalid value \(value)"
        }
    }
}
