extension Tensor {
    /// The rows `indices` of a 2-D tensor [N, D], copied in that order (repeats allowed): [indices.count, D].
    public func rows(_ indices: [Int]) -> Tensor {
        require(rank == 2, "Tensor.rows: expects a 2-D tensor, got \(describe(shape))")
        let (count, width) = (shape[0], shape[1])
        return withUnsafeBufferPointer { source in
            Tensor(shape: [indices.count, width]) { destination in
                for (row, index) in indices.enumerated() {
                    require((0..<count).contains(index), "Tensor.rows: row \(index) outside 0..<\(count)")
                    guard width > 0 else { continue }
                    (destination.baseAddress! + row * width).update(from: source.baseAddress! + index * width, count: width)
                }
            }
        }
    }
}
