/// Post-training quantization (Krishnamoorthi 2018, §3.1; Jacob et al. 2018): every `Dense` and
/// `Conv2D` of a trained model, and every quantization-aware wrapper of one (`WeightTransformed`
/// with `.fakeQuantized`), becomes a `QuantizedDense` / `QuantizedConv2D` with per-channel int8
/// weights and a per-tensor int8 input scale.
///
/// Input scales are calibrated: each layer to quantize is wrapped in a probe that records its
/// inputs, the calibration batches run through the model in evaluation mode (about 100 batches
/// is the usual budget), and `observer` turns each layer's recorded range into a scale. A
/// quantization-aware wrapper keeps the scale its training learned instead.
///
/// The model is changed in place (its layers replaced by path), so its root must be a container
/// such as `Sequential`. Returns the paths of the quantized layers, in model order.
@discardableResult
public func quantizeForInference(
    _ model: any Layer, calibration: [Tensor], observer: ActivationObserver = .maximum
) throws -> [String] {
    let targets = model.namedModules().filter { !$0.path.isEmpty && isQuantizable($0.module) }
    guard !targets.isEmpty else {
        throw QuantizationError.unsupported("\(model.summaryName) has no Dense or Conv2D layer below its root to quantize")
    }
    let wasTraining = model.isTraining
    var probes: [(path: String, probe: CalibrationProbe)] = []
    for target in targets {
        let layer = try model.layer(at: target.path)
        if let wrapper = layer as? WeightTransformed, wrapper.inputQuantizer != nil { continue }
        let probe = CalibrationProbe(layer, observer: observer)
        try model.replace(target.path, with: probe)
        probes.append((target.path, probe))
    }
    if !probes.isEmpty {
        guard !calibration.isEmpty else {
            for (path, probe) in probes { try model.replace(path, with: probe.layer) }
            throw QuantizationError.noCalibrationData
        }
        model.setTraining(false)
        for batch in calibration { _ = model.forward(batch) }
        for (path, probe) in probes { try model.replace(path, with: probe.layer) }
    }
    for target in targets {
        let layer = try model.layer(at: target.path)
        let scale = probes.first { $0.path == target.path }?.probe.range.scale
        try model.replace(target.path, with: try quantized(layer, inputScale: scale))
    }
    model.setTraining(wasTraining)
    return targets.map(\.path)
}

private func isQuantizable(_ module: any Module) -> Bool {
    if module is Dense || module is Conv2D { return true }
    if let wrapper = module as? WeightTransformed { return wrapper.transform == .fakeQuantized }
    return false
}

/// The int8 layer for `layer` with input scale `scale` (the wrapper's own when nil).
private func quantized(_ layer: any Layer, inputScale scale: Float?) throws -> any Layer {
    var inner = layer
    var inputScale = scale
    if let wrapper = layer as? WeightTransformed {
        inner = wrapper.layer
        inputScale = inputScale ?? wrapper.inputQuantizer?.scale
    }
    guard let inputScale else { throw QuantizationError.unsupported("\(layer.summaryName): no input scale") }
    if let dense = inner as? Dense { return QuantizedDense(dense, inputScale: inputScale) }
    if let convolution = inner as? Conv2D { return QuantizedConv2D(convolution, inputScale: inputScale) }
    throw QuantizationError.unsupported("\(layer.summaryName) has no int8 form")
}

/// A layer passed through unchanged while the range of its inputs is recorded (calibration).
final class CalibrationProbe: Layer {
    let layer: any Layer
    private(set) var range: ActivationObserver.Range

    init(_ layer: any Layer, observer: ActivationObserver) {
        self.layer = layer
        range = ActivationObserver.Range(observer: observer)
    }

    var isTraining: Bool {
        get { layer.isTraining }
        set { layer.isTraining = newValue }
    }

    var summaryName: String { layer.summaryName }

    func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { try layer.outputShape(for: inputShape) }

    func forward(_ input: Tensor) -> Tensor {
        range.observe(input)
        return layer.forward(input)
    }

    func backward(_ outputGradient: Tensor) -> Tensor { layer.backward(outputGradient) }
}
