extension ImageDataset {
    /// The images as feature vectors, [N, C·H·W] in row-major C×H×W order, scaled and normalized
    /// exactly as `BatchIterator` feeds them to a network (b / 255, then `normalization`), in sample order.
    ///
    /// For the classic, non-network methods (`KNearestNeighbors`, `PrincipalComponents`), which work on whole
    /// matrices: it holds N·C·H·W floats (188 MB for the 60,000 MNIST training images).
    public func featureMatrix(normalization: InputNormalization) -> Tensor {
        guard count > 0 else { return Tensor.zeros([0, imageByteCount]) }
        var features = Tensor.zeros([count, imageByteCount])
        var batches = BatchIterator(dataset: self, batchSize: 256, shuffle: false, normalization: normalization)
        batches.startEpoch(0)
        var row = 0
        features.withUnsafeMutableBufferPointer { output in
            while let batch = batches.nextBatch() {
                batch.images.withUnsafeBufferPointer { images in
                    (output.baseAddress! + row * imageByteCount).update(from: images.baseAddress!, count: images.count)
                }
                row += batch.count
            }
        }
        return features
    }
}
