/// How pixel bytes become network inputs: every byte b is first scaled to x = b / 255 ∈ [0, 1],
/// then shifted and scaled by statistics of the training split.
///
/// Compute the statistics on the training split only and use the same value for the validation
/// and test sets, as the classic pipelines do:
///
///     let normalization = InputNormalization.perChannel(statisticsOf: split.training)
///     // MNIST: mean 0.1307, standard deviation 0.3081
public enum InputNormalization: Equatable, Sendable, Codable {
    /// x = b / 255.
    case unitRange
    /// x = (b / 255 − mean[c]) / standardDeviation[c], one value per channel c (standardization).
    case perChannel(mean: [Float], standardDeviation: [Float])
    /// x = b / 255 − meanImage[c, h, w], the mean training image (C×H×W values, row-major), as in AlexNet.
    case meanImage([Float])

    /// Per-channel standardization with the mean and population standard deviation of `dataset`'s
    /// scaled pixels (each channel over all samples and positions).
    ///
    /// A channel whose pixels are all equal gets standard deviation 1, so it is only centred.
    public static func perChannel(statisticsOf dataset: ImageDataset) -> InputNormalization {
        let planeSize = dataset.height * dataset.width
        // Byte sums are exact in UInt64 (up to 2⁴⁸ pixels), so the statistics are rounded only once.
        var sums = Array(repeating: UInt64(0), count: dataset.channels)
        var squareSums = Array(repeating: UInt64(0), count: dataset.channels)
        dataset.storage.withUnsafeBufferPointer { storage in
            for storageIndex in dataset.storageIndices {
                let image = storage.baseAddress! + storageIndex * dataset.imageByteCount
                for channel in 0..<dataset.channels {
                    var sum: UInt64 = 0
                    var squareSum: UInt64 = 0
                    for byte in UnsafeBufferPointer(start: image + channel * planeSize, count: planeSize) {
                        sum += UInt64(byte)
                        squareSum += UInt64(byte) * UInt64(byte)
                    }
                    sums[channel] += sum
                    squareSums[channel] += squareSum
                }
            }
        }
        let pixelCount = Double(max(dataset.count * planeSize, 1))
        let mean = sums.map { Double($0) / (255 * pixelCount) }
        let standardDeviation = zip(squareSums, mean).map { squareSum, mean in
            let variance = max(Double(squareSum) / (255 * 255 * pixelCount) - mean * mean, 0)
            return variance > 0 ? variance.squareRoot() : 1
        }
        return .perChannel(mean: mean.map(Float.init), standardDeviation: standardDeviation.map(Float.init))
    }

    /// Mean-image subtraction with the mean of `dataset`'s scaled images.
    public static func meanImage(of dataset: ImageDataset) -> InputNormalization {
        var sums = Array(repeating: UInt64(0), count: dataset.imageByteCount)
        dataset.storage.withUnsafeBufferPointer { storage in
            sums.withUnsafeMutableBufferPointer { sums in
                for storageIndex in dataset.storageIndices {
                    let image = storage.baseAddress! + storageIndex * dataset.imageByteCount
                    for i in sums.indices { sums[i] += UInt64(image[i]) }
                }
            }
        }
        let scale = 1 / (255 * Double(max(dataset.count, 1)))
        return .meanImage(sums.map { Float(Double($0) * scale) })
    }

    /// Why the statistics do not fit images of `channels`×`planeSize` pixels, or `nil` when they do.
    public func mismatch(channels: Int, planeSize: Int) -> String? {
        switch self {
        case .unitRange:
            return nil
        case .perChannel(let mean, let standardDeviation):
            guard mean.count == channels && standardDeviation.count == channels else {
                return "InputNormalization.perChannel: \(mean.count) means and \(standardDeviation.count) standard deviations for \(channels)-channel images"
            }
            return nil
        case .meanImage(let meanImage):
            guard meanImage.count == channels * planeSize else {
                return "InputNormalization.meanImage: \(meanImage.count) values for images of \(channels * planeSize) pixels"
            }
            return nil
        }
    }

    /// Stops with `mismatch(channels:planeSize:)` unless the statistics fit; for the hot path.
    func requireFits(channels: Int, planeSize: Int) {
        if let problem = mismatch(channels: channels, planeSize: planeSize) { fatalError(problem) }
    }

    /// Maps one image's scaled values x ∈ [0, 1] (C×H×W, in place) to network inputs.
    func apply(to image: UnsafeMutablePointer<Float>, channels: Int, planeSize: Int) {
        switch self {
        case .unitRange:
            break
        case .perChannel(let mean, let standardDeviation):
            for channel in 0..<channels {
                let (mu, sigma) = (mean[channel], standardDeviation[channel])
                let plane = image + channel * planeSize
                for i in 0..<planeSize { plane[i] = (plane[i] - mu) / sigma }
            }
        case .meanImage(let meanImage):
            meanImage.withUnsafeBufferPointer { meanImage in
                for i in 0..<channels * planeSize { image[i] -= meanImage[i] }
            }
        }
    }
}
