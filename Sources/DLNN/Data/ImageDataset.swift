/// Labeled images, kept as bytes (N×C×H×W, one byte per pixel and channel) and converted to `Float`
/// one batch at a time by `BatchIterator`.
///
/// Subsets (`subset(_:)`, `prefix(_:)`, `split(validationFraction:seed:)`) are views: they share
/// the pixel storage of the data set they come from and keep only a list of sample indices, so
/// splitting MNIST into training and validation sets copies no images.
public struct ImageDataset: Sendable {
    /// Channels per image (1 for MNIST, 3 for CIFAR).
    public let channels: Int
    /// Rows per image.
    public let height: Int
    /// Columns per image.
    public let width: Int
    /// The number of classes; every label lies in `0..<classCount`.
    public let classCount: Int
    /// The class of each sample.
    public private(set) var labels: [Int]

    /// The pixel bytes of all samples of the original data set, N₀×C×H×W; shared by its subsets.
    let storage: [UInt8]
    /// For each sample of this data set, the index of its image in `storage`.
    private(set) var storageIndices: [Int]

    /// Creates a data set from `images` (N×C×H×W bytes, N = `labels.count`) and labels in `0..<classCount`.
    public init(images: [UInt8], labels: [Int], channels: Int, height: Int, width: Int, classCount: Int) {
        require(channels > 0 && height > 0 && width > 0, "ImageDataset: image shape \(describe([channels, height, width])) must be positive")
        require(
            images.count == labels.count * channels * height * width,
            "ImageDataset: \(images.count) image bytes do not hold \(labels.count) images of shape \(describe([channels, height, width]))"
        )
        let bad = labels.firstIndex { !(0..<classCount).contains($0) }
        require(bad == nil, "ImageDataset: label \(labels[bad ?? 0]) of sample \(bad ?? 0) is outside 0..<\(classCount)")
        self.channels = channels
        self.height = height
        self.width = width
        self.classCount = classCount
        self.labels = labels
        self.storage = images
        self.storageIndices = Array(labels.indices)
    }

    /// Images without labels, for prediction: every label is 0 of a single class.
    /// `images` holds N×C×H×W bytes for some N.
    public init(unlabeledImages images: [UInt8], channels: Int, height: Int, width: Int) {
        let imageSize = channels * height * width
        require(imageSize > 0 && images.count % imageSize == 0,
                "ImageDataset: \(images.count) image bytes do not hold whole images of shape \(describe([channels, height, width]))")
        self.init(images: images, labels: Array(repeating: 0, count: images.count / imageSize),
                  channels: channels, height: height, width: width, classCount: 1)
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// The shape of one image, `[channels, height, width]`.
    public var imageShape: TensorShape { TensorShape(channels, height, width) }

    /// Bytes per image, C·H·W.
    public var imageByteCount: Int { channels * height * width }

    /// The C×H×W bytes of sample `index`.
    public func image(at index: Int) -> ArraySlice<UInt8> {
        require(labels.indices.contains(index), "ImageDataset: sample \(index) is outside 0..<\(count)")
        let start = storageIndices[index] * imageByteCount
        return storage[start..<start + imageByteCount]
    }

    /// How many samples each class has, indexed by class.
    public var classCounts: [Int] {
        var counts = Array(repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// The samples at `indices`, in that order (repeats allowed).
    public func subset(_ indices: some Sequence<Int>) -> ImageDataset {
        var result = self
        result.storageIndices = []
        result.labels = []
        result.storageIndices.reserveCapacity(indices.underestimatedCount)
        result.labels.reserveCapacity(indices.underestimatedCount)
        for index in indices {
            require(labels.indices.contains(index), "ImageDataset.subset: sample \(index) is outside 0..<\(count)")
            result.storageIndices.append(storageIndices[index])
            result.labels.append(labels[index])
        }
        return result
    }

    /// The first `count` samples (all of them if there are fewer).
    public func prefix(_ count: Int) -> ImageDataset {
        subset(0..<min(max(count, 0), self.count))
    }

    /// Splits off a random `validationFraction` of the samples as a validation set.
    ///
    /// The validation set has round(`validationFraction`·N) samples drawn without replacement by a
    /// `SeededGenerator(seed:)` shuffle, so the same seed always gives the same split; both parts keep
    /// the samples in their original order. Take the split from the training set: the test set is
    /// for one evaluation at the very end.
    public func split(validationFraction: Double, seed: UInt64) -> (training: ImageDataset, validation: ImageDataset) {
        require(
            (0..<1).contains(validationFraction),
            "ImageDataset.split: validation fraction \(validationFraction) must lie in [0, 1)"
        )
        var order = Array(labels.indices)
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&order)
        let validationCount = Int((validationFraction * Double(count)).rounded())
        return (subset(order[validationCount...].sorted()), subset(order[..<validationCount].sorted()))
    }
}
