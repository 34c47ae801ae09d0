/// Returns `model` with the layers `policy` selects replaced by `LowRankLayer`s (truncated SVDs
/// of their weights, see `LowRankApproximation` and `ConvolutionFactorization`), and a report per
/// selected layer: rank, parameters and FLOPs before and after, retained energy, relative error.
///
/// `inputShape` is the model's input shape (e.g. [1, 1, 28, 28]); the FLOPs in the report are for it.
/// A layer stays as it is, with the reason in its report, when its rank would not make it smaller,
/// when a compression ratio is out of reach, or when it is a grouped convolution.
/// Layers already factorized, and layers inside containers other than `Sequential`, `Residual`
/// and `LowRankLayer`, are not visited.
///
/// The compressed model **shares** every layer that is not factorized with `model` (the same
/// objects, so the same parameters and running statistics); only the containers on the way to a
/// factorized layer are new. Treat `model` as consumed: training one changes the other. To keep
/// the original, compress a fresh copy, e.g. the same architecture with `loadWeights(from:)` a
/// checkpoint of the original. Checkpoints of the compressed model load into
/// `compress(freshCopy, inputShape:, policy: result.structure).model`.
///
/// Throws `LAPACKError` when an SVD fails (non-finite weights).
public func compress(_ model: any Layer, inputShape: TensorShape, policy: CompressionPolicy) throws -> CompressionResult {
    var reports: [LayerCompressionReport] = []
    let compressed = try rebuild(model, path: "", inputShape: inputShape, policy: policy, reports: &reports)
    if case .paths(let paths) = policy.layers {
        let missing = paths.filter { path in !reports.contains { $0.path == path } }
        require(missing.isEmpty, "compress: no Dense or Conv2D layer at \(missing) (paths look like `classifier.1`)")
    }
    return CompressionResult(model: compressed, layers: reports, policy: policy)
}

/// `layer` with its selected descendants factorized; the same object when nothing below it changed.
private func rebuild(
    _ layer: any Layer, path: String, inputShape: TensorShape, policy: CompressionPolicy, reports: inout [LayerCompressionReport]
) throws -> any Layer {
    func childPath(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
    if layer is Dense || layer is Conv2D {
        guard policy.selects(layer, at: path) else { return layer }
        let (replacement, report) = try factorize(layer, path: path, inputShape: inputShape, policy: policy)
        reports.append(report)
        return replacement
    }
    if case .paths(let paths) = policy.layers, paths.contains(path) {
        require(false, "compress: the layer at `\(path)` is \(layer.summaryName), not a Dense or Conv2D")
    }
    if let sequential = layer as? Sequential {
        var shape = inputShape
        var children: [(String, any Layer)] = []
        for child in sequential.children {
            children.append((child.name, try rebuild(child.layer, path: childPath(child.name), inputShape: shape, policy: policy, reports: &reports)))
            shape = try child.layer.outputShape(for: shape)
        }
        guard zip(children, sequential.layers).contains(where: { $0.1 !== $1 }) else { return layer }
        let result = Sequential(named: children)
        result.isTraining = sequential.isTraining
        return result
    }
    if let residual = layer as? Residual {
        let body = try rebuild(residual.body, path: childPath("body"), inputShape: inputShape, policy: policy, reports: &reports)
        let shortcut = try residual.shortcut.map {
            try rebuild($0, path: childPath("shortcut"), inputShape: inputShape, policy: policy, reports: &reports)
        }
        guard body !== residual.body || shortcut !== residual.shortcut else { return layer }
        let result = Residual(body, shortcut: shortcut, activation: residual.activation)
        result.isTraining = residual.isTraining
        return result
    }
    return layer
}

/// The factorized layer and its report, or `layer` itself and the reason it stays.
private func factorize(
    _ layer: any Layer, path: String, inputShape: TensorShape, policy: CompressionPolicy
) throws -> (any Layer, LayerCompressionReport) {
    let flopsBefore = layer.forwardFLOPs(for: inputShape)
    var report = LayerCompressionReport(
        path: path, layer: layer.summaryName, parametersBefore: layer.parameterCount, parametersAfter: layer.parameterCount,
        flopsBefore: flopsBefore, flopsAfter: flopsBefore)
    let plan: FactorizationPlan
    if let dense = layer as? Dense {
        plan = FactorizationPlan(dense)
    } else if let conv = layer as? Conv2D, let convPlan = FactorizationPlan(conv, scheme: policy.convolutionScheme) {
        plan = convPlan
    } else {
        report.skipReason = "grouped convolution: not factorized"
        return (layer, report)
    }
    let approximation = try LowRankApproximation(plan.matrix)
    report.maximumRank = approximation.maximumRank
    guard let rank = policy.rank.rank(
        path: path, squaredSingularValues: approximation.squaredSingularValues,
        parameterCount: plan.parameterCount, originalParameterCount: plan.originalParameterCount)
    else {
        report.skipReason = switch policy.rank {
        case .compressionRatio(let c):
            "no rank reaches \(c)× fewer parameters (rank 1 has \(plan.parameterCount(1)) of \(plan.originalParameterCount)); left as is"
        default: "no rank given for this path; left as is"
        }
        return (layer, report)
    }
    report.rank = rank
    report.retainedEnergy = approximation.retainedEnergy(rank: rank)
    report.relativeError = approximation.relativeError(rank: rank)
    let parametersAfter = plan.parameterCount(rank)
    guard parametersAfter < plan.originalParameterCount else {
        report.skipReason = "rank \(rank) would need \(parametersAfter) parameters, not fewer than the original's \(plan.originalParameterCount); left as is"
        return (layer, report)
    }
    let (left, right) = approximation.factors(rank: rank)
    let replacement = plan.build(left, right)
    replacement.setTraining(layer.isTraining)
    report.parametersAfter = parametersAfter
    report.flopsAfter = replacement.forwardFLOPs(for: inputShape)
    return (replacement, report)
}
