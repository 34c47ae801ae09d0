/// Random image transformations for training, drawn independently for every sample from the
/// `BatchIterator`'s seeded generator. Give it to the training iterator only; validation and test
/// iterators use `.none`.
///
/// Applied in this order, with zero (black) pixels filling what moves into view:
/// 1. random crop with padding `p`: pad p zero pixels on every side and crop H×W at a uniformly
///    random position (torchvision's `RandomCrop(size, padding=p)`); this is a shift by a uniform
///    integer in [−p, p] on each axis;
/// 2. translation: a further shift by a uniform integer in [−t, t] on each axis, t = `maxTranslation`;
/// 3. horizontal flip with probability `horizontalFlipProbability`;
/// 4. brightness: x ← clamp(f·x), f uniform in [1 − `brightness`, 1 + `brightness`];
/// 5. contrast: x ← clamp(m + f·(x − m)), f uniform in [1 − `contrast`, 1 + `contrast`], m the mean of
///    the image over all channels;
///
/// where x ∈ [0, 1] are the scaled pixels and clamp limits to [0, 1]; normalization comes after.
public struct Augmentation: Equatable, Sendable {
    /// Zero padding p of the random crop, in pixels; 0 disables it. CIFAR pipelines use 4.
    public var cropPadding: Int
    /// Probability of mirroring an image left to right; 0.5 is usual for natural images, 0 for digits.
    public var horizontalFlipProbability: Float
    /// The largest random shift on each axis, in pixels; 0 disables it. MNIST pipelines use 2.
    public var maxTranslation: Int
    /// The largest relative change of brightness, in [0, 1); 0 disables it.
    public var brightness: Float
    /// The largest relative change of contrast, in [0, 1); 0 disables it.
    public var contrast: Float

    /// No augmentation: every image is used as it is.
    public static let none = Augmentation()

    /// Creates an augmentation; every option defaults to off.
    public init(cropPadding: Int = 0, horizontalFlipProbability: Float = 0, maxTranslation: Int = 0, brightness: Float = 0, contrast: Float = 0) {
        require(cropPadding >= 0 && maxTranslation >= 0, "Augmentation: crop padding \(cropPadding) and translation \(maxTranslation) must not be negative")
        require((0...1).contains(horizontalFlipProbability), "Augmentation: flip probability \(horizontalFlipProbability) must lie in [0, 1]")
        require((0..<1).contains(brightness) && (0..<1).contains(contrast), "Augmentation: brightness \(brightness) and contrast \(contrast) must lie in [0, 1)")
        self.cropPadding = cropPadding
        self.horizontalFlipProbability = horizontalFlipProbability
        self.maxTranslation = maxTranslation
        self.brightness = brightness
        self.contrast = contrast
    }

    /// Whether the image's pixels move (crop, translation or flip).
    var isGeometric: Bool { cropPadding > 0 || maxTranslation > 0 || horizontalFlipProbability > 0 }

    /// Whether pixel values change (brightness or contrast).
    var isPhotometric: Bool { brightness > 0 || contrast > 0 }

    /// Writes the shifted and possibly flipped C×H×W `source` into `destination`.
    func transform(
        _ source: UnsafePointer<UInt8>, into destination: UnsafeMutablePointer<UInt8>,
        channels: Int, height: Int, width: Int, using generator: inout SeededGenerator
    ) {
        func shift(_ limit: Int) -> Int { limit > 0 ? generator.nextIndex(below: 2 * limit + 1) - limit : 0 }
        let (cropY, cropX) = (shift(cropPadding), shift(cropPadding))
        let (translationY, translationX) = (shift(maxTranslation), shift(maxTranslation))
        let flip = horizontalFlipProbability > 0 && generator.nextUnitFloat() < horizontalFlipProbability

        // Output (y, x) takes source (y − dy, x − dx) when both the cropped image's pixel
        // (y − translation) and the source pixel lie inside the image; the rest is zero.
        let (dy, dx) = (cropY + translationY, cropX + translationX)
        func inside(extent: Int, translation: Int, total: Int) -> Range<Int> {
            let lower = max(0, translation, total)
            return lower..<max(lower, min(extent, extent + translation, extent + total))
        }
        let rows = inside(extent: height, translation: translationY, total: dy)
        let columns = inside(extent: width, translation: translationX, total: dx)
        destination.update(repeating: 0, count: channels * height * width)
        for channel in 0..<channels {
            let plane = channel * height * width
            for y in rows {
                let input = source + plane + (y - dy) * width
                let output = destination + plane + y * width
                if flip {
                    for x in columns { output[width - 1 - x] = input[x - dx] }
                } else {
                    (output + columns.lowerBound).update(from: input + (columns.lowerBound - dx), count: columns.count)
                }
            }
        }
    }

    /// Applies brightness and contrast jitter to one image's scaled values (C×H×W, in place).
    func jitter(_ image: UnsafeMutablePointer<Float>, count: Int, using generator: inout SeededGenerator) {
        if brightness > 0 {
            let factor = generator.nextUniform(in: 1 - brightness..<1 + brightness)
            for i in 0..<count { image[i] = min(max(image[i] * factor, 0), 1) }
        }
        if contrast > 0 {
            let factor = generator.nextUniform(in: 1 - contrast..<1 + contrast)
            var sum: Float = 0
            for i in 0..<count { sum += image[i] }
            let mean = sum / Float(count)
            for i in 0..<count { image[i] = min(max(mean + factor * (image[i] - mean), 0), 1) }
        }
    }
}
