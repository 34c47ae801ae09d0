/// Images read as sequences: row-by-row MNIST and its permuted variants.
extension SequenceDataset {
    /// The order in which an image's pixels become a sequence.
    public enum PixelOrder: Equatable, Sendable {
        /// Row-major scan order: with T = H steps, step t is row t (row-by-row MNIST).
        case scan
        /// A fixed permutation of the C·H·W pixels drawn from `seed` (the same for every image), then
        /// read in T equal steps: permuted pixel MNIST with T = 784, permuted rows with T = 28.
        /// The long-range dependencies a scan keeps local are spread over the whole sequence.
        case permuted(seed: UInt64)
    }

    /// `images` (pixels scaled to [0, 1]) as sequences of `steps` steps of C·H·W / `steps` pixels
    /// each, in `order`, labeled with the image's class: [S, T, F] for S images. Row-by-row
    /// MNIST is `steps: 28` with `.scan` (28 steps of 28 pixels); pixel-by-pixel is `steps: 784`.
    ///
    /// Throws `SequenceDataError.setting` unless `steps` is positive and divides the image size.
    public init(images: ImageDataset, steps: Int, order: PixelOrder = .scan) throws(SequenceDataError) {
        let pixels = images.imageByteCount
        guard steps > 0, pixels % steps == 0 else {
            throw .setting("\(steps) steps do not divide an image of \(pixels) pixels into equal steps (T must be a positive divisor)")
        }
        let source = Self.pixelSource(order, pixels: pixels)
        let sequences = Tensor(shape: TensorShape(images.count, steps, pixels / steps)) { output in
            for sample in 0..<images.count {
                let image = images.image(at: sample)
                let base = image.startIndex
                for (k, pixel) in source.enumerated() {
                    output[sample * pixels + k] = Float(image[base + pixel]) / 255
                }
            }
        }
        try self.init(sequences: sequences, targets: .labels(images.labels), classCount: images.classCount)
    }

    /// The pixel read at each position of the sequence: the identity for a scan, a seeded
    /// Fisher–Yates permutation otherwise.
    public static func pixelSource(_ order: PixelOrder, pixels: Int) -> [Int] {
        var source = Array(0..<pixels)
        if case .permuted(let seed) = order {
            var generator = SeededGenerator(seed: seed)
            generator.shuffle(&source)
        }
        return source
    }
}
