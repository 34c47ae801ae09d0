/// A container whose children's input shapes follow from its own, so that `summary(inputShape:)`
/// can list its children one by one. Containers that do not conform appear as a single row.
protocol ShapeRouting: Layer {
    /// The input shape of each child, in `children` order, for an input of `inputShape`
    /// (which `outputShape(for:)` has accepted).
    func childInputShapes(for inputShape: TensorShape) -> [TensorShape]
}

extension Sequential: ShapeRouting {
    func childInputShapes(for inputShape: TensorShape) -> [TensorShape] {
        var shapes: [TensorShape] = []
        var shape = inputShape
        for layer in layers {
            shapes.append(shape)
            shape = layer.requireOutputShape(for: shape)
        }
        return shapes
    }
}

extension Residual: ShapeRouting {
    /// The body and the shortcut see the block's input; the activation sees their sum.
    func childInputShapes(for inputShape: TensorShape) -> [TensorShape] {
        let sum = activation == nil ? [] : [requireValidShape { () throws(ShapeError) in try sumShape(for: inputShape) }]
        return [inputShape] + (shortcut == nil ? [] : [inputShape]) + sum
    }
}

extension Layer {
    /// A table of the model for inputs of `inputShape` (batch axis included), in the manner of
    /// Keras's `model.summary()`: one row per leaf layer with its dotted path (the prefix of its
    /// parameter names), description, output shape, parameter count and forward FLOPs, then the totals.
    ///
    /// A container that does work of its own (the addition of a `Residual`) gets a row after its
    /// children with that work alone, so the rows add up to the totals. FLOPs count a multiply-add
    /// as 2 and scale with the batch size in `inputShape`. Throws the `ShapeError` of the first layer
    /// that does not accept the shape it receives.
    ///
    /// ```
    /// Layer           Type                           Output shape     Parameters    FLOPs
    /// features.0      Conv2D(1 → 6, 5×5, padding 2)  [1, 6, 28, 28]          156  239,904
    /// ```
    public func summary(inputShape: TensorShape) throws(ShapeError) -> String {
        _ = try outputShape(for: inputShape)
        let rows = summaryRows(path: "", inputShape: inputShape)
        let header = SummaryRow(path: "Layer", type: "Type", outputShape: "Output shape", parameters: "Parameters", flops: "FLOPs")
        let widths = ([header] + rows).reduce(into: [0, 0, 0, 0, 0]) { widths, row in
            for (column, cell) in row.cells.enumerated() { widths[column] = Swift.max(widths[column], cell.count) }
        }
        func line(_ row: SummaryRow) -> String {
            row.cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column < 3 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        let rule = String(repeating: "─", count: widths.reduce(0, +) + 2 * (widths.count - 1))

        let parameters = allParameters
        let trainable = parameters.filter(\.isTrainable).reduce(0) { $0 + $1.count }
        let bufferCount = namedBuffers().reduce(0) { $0 + $1.parameter.count }
        var lines = ["\(summaryName) on input \(describe(inputShape))", rule, line(header), rule]
        lines += rows.map(line)
        lines.append(rule)
        lines.append("Total parameters:     \(grouped(parameterCount)) (\(byteSize(parameterCount * 4)))")
        lines.append("Trainable parameters: \(grouped(trainable))")
        if trainable < parameterCount { lines.append("Frozen parameters:    \(grouped(parameterCount - trainable))") }
        if bufferCount > 0 { lines.append("Buffers:              \(grouped(bufferCount)) (running statistics, not trained)") }
        lines.append("Forward FLOPs:        \(grouped(forwardFLOPs(for: inputShape)))")
        return lines.joined(separator: "\n")
    }

    /// The rows of this layer at `path` for `inputShape`: leaves, expanded containers, or one row.
    private func summaryRows(path: String, inputShape: TensorShape) -> [SummaryRow] {
        let shape = requireOutputShape(for: inputShape)
        func row(parameters: Int, flops: Int) -> SummaryRow {
            SummaryRow(
                path: path, type: summaryName, outputShape: describe(shape),
                parameters: grouped(parameters), flops: grouped(flops))
        }
        guard !children.isEmpty, let router = self as? any ShapeRouting else {
            return [row(parameters: parameterCount, flops: forwardFLOPs(for: inputShape))]
        }
        var rows: [SummaryRow] = []
        var childFLOPs = 0
        for (child, childInput) in zip(children, router.childInputShapes(for: inputShape)) {
            rows += child.layer.summaryRows(path: path.isEmpty ? child.name : "\(path).\(child.name)", inputShape: childInput)
            childFLOPs += child.layer.forwardFLOPs(for: childInput)
        }
        let ownParameters = parameters.reduce(0) { $0 + $1.count }
        let ownFLOPs = forwardFLOPs(for: inputShape) - childFLOPs
        if ownParameters > 0 || ownFLOPs > 0 { rows.append(row(parameters: ownParameters, flops: ownFLOPs)) }
        return rows
    }
}

/// One line of a summary table, already formatted.
private struct SummaryRow {
    var path: String
    var type: String
    var outputShape: String
    var parameters: String
    var flops: String

    var cells: [String] { [path, type, outputShape, parameters, flops] }
}

/// `61706` → `61,706`.
private func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return value < 0 ? "-" + result : result
}

/// A byte count in binary units: `246824` → `241.0 KiB`.
private func byteSize(_ bytes: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    if unit == 0 { return "\(bytes) bytes" }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) \(units[unit])"
}
