extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// The shape and the first few elements: `Tensor[2, 3](0.1, 0.2, 0.3, 0.4, 0.5, 0.6)`.
    public var description: String {
        let shown = 8
        let values = scalars.prefix(shown).map { String($0) }.joined(separator: ", ")
        let ellipsis = count > shown ? ", … (\(count) elements)" : ""
        return "Tensor\(describe(shape))(\(values)\(ellipsis))"
    }

    public var debugDescription: String { description }
}
