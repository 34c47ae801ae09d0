/// Why a model or a tensor cannot be quantized or its int8 form read back.
public enum QuantizationError: Error, Equatable, CustomStringConvertible {
    /// Sizes or scales that do not fit together.
    case shape(String)
    /// A model with nothing to quantize, or a layer the int8 path does not take.
    case unsupported(String)
    /// Calibration needs at least one batch.
    case noCalibrationData
    /// A checkpoint whose int8 tensors do not match the model.
    case checkpoint(String)

    public var description: String {
        switch self {
        case .shape(let detail): "quantization: \(detail)"
        case .unsupported(let detail): "quantization: \(detail)"
        case .noCalibrationData: "quantization: calibration needs at least one batch of inputs"
        case .checkpoint(let detail): "quantized checkpoint: \(detail)"
        }
    }
}
