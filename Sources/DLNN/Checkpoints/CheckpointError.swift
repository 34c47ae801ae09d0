import Foundation

/// A checkpoint that cannot be read, is not valid safetensors, or does not fit the model.
public struct CheckpointError: Error, Equatable, Sendable {
    /// A difference between a model's tensors and a checkpoint's.
    public enum Mismatch: Equatable, Sendable, CustomStringConvertible {
        /// The model has a tensor the checkpoint lacks.
        case missing(name: String, shape: TensorShape)
        /// The checkpoint has a tensor the model lacks.
        case unexpected(name: String, shape: TensorShape)
        /// Both have the tensor, with different shapes.
        case wrongShape(name: String, model: TensorShape, checkpoint: TensorShape)
        /// The checkpoint stores the tensor with a dtype other than F32.
        case wrongDType(name: String, dtype: String)

        /// One line, e.g. `wrong shape: classifier.weight is [10, 84] in the model, [10, 80] in the checkpoint`.
        public var description: String {
            switch self {
            case .missing(let name, let shape):
                "missing: \(name) \(describe(shape))"
            case .unexpected(let name, let shape):
                "unexpected: \(name) \(describe(shape))"
            case .wrongShape(let name, let model, let checkpoint):
                "wrong shape: \(name) is \(describe(model)) in the model, \(describe(checkpoint)) in the checkpoint"
            case .wrongDType(let name, let dtype):
                "wrong dtype: \(name) is \(dtype), expected F32"
            }
        }
    }

    /// What is wrong.
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        /// The file cannot be read; `reason` is the system's message.
        case unreadable(reason: String)
        /// The path names a FIFO, a directory, a device or a socket (`kind` says which), which could
        /// block or never end; only regular files are read.
        case notARegularFile(kind: String)
        /// The bytes break the safetensors format (header length, JSON, shapes or offsets).
        case malformed(reason: String)
        /// A tensor's dtype is not F32, the only one float weights are read from (`SafeTensors.readValues`
        /// also reads I8, U8 and I32).
        case unsupportedDType(name: String, dtype: String)
        /// The checkpoint does not fit the model; every difference is listed.
        case mismatches([Mismatch])
        /// The file is valid safetensors but not a training checkpoint that fits this trainer.
        case notACheckpoint(reason: String)

        /// A short English description of the problem.
        public var description: String {
            switch self {
            case .unreadable(let reason):
                "cannot be read: \(reason)"
            case .notARegularFile(let kind):
                "is \(kind), not a regular file; only regular files are read"
            case .malformed(let reason):
                "not a valid safetensors file: \(reason)"
            case .unsupportedDType(let name, let dtype):
                "tensor \(name) has dtype \(dtype); only F32 is supported for float tensors (and I8, U8, I32 for the int8 and binary forms of compressed models)"
            case .notACheckpoint(let reason):
                "not a training checkpoint this trainer can resume from: \(reason)"
            case .mismatches(let mismatches):
                "\(mismatches.count) mismatch\(mismatches.count == 1 ? "" : "es") with the model:\n"
                    + mismatches.map { "  \($0)" }.joined(separator: "\n")
            }
        }
    }

    /// The checkpoint file, or nil for bytes decoded from memory.
    public var file: URL?
    /// What is wrong.
    public var problem: Problem

    /// Creates an error about `file`.
    public init(file: URL?, problem: Problem) {
        self.file = file
        self.problem = problem
    }
}

extension CheckpointError: CustomStringConvertible, LocalizedError {
    /// `<path>: <problem>`.
    public var description: String { (file.map { "\($0.path): " } ?? "") + problem.description }

    /// The same text as `description`, for `localizedDescription`.
    public var errorDescription: String? { description }
}
