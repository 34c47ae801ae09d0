import Testing
@testable import DLNN

@Suite struct AugmentationTests {
    private let channels = 2, height = 5, width = 6
    private var source: [UInt8] { (0..<60).map { UInt8(1 + $0) } }

    /// `image` shifted by (dy, dx) with zero fill, the naive way.
    private func shifted(_ image: [UInt8], _ dy: Int, _ dx: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: image.count)
        for c in 0..<channels {
            for y in 0..<height where (0..<height).contains(y - dy) {
                for x in 0..<width where (0..<width).contains(x - dx) {
                    result[(c * height + y) * width + x] = image[(c * height + y - dy) * width + x - dx]
                }
            }
        }
        return result
    }

    private func mirrored(_ image: [UInt8]) -> [UInt8] {
        (0..<image.count).map { i in image[i - i % width + width - 1 - i % width] }
    }

    private func transformed(_ augmentation: Augmentation, _ generator: inout SeededGenerator) -> [UInt8] {
        var output = [UInt8](repeating: 0xEE, count: source.count)
        source.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                augmentation.transform(input.baseAddress!, into: output.baseAddress!, channels: channels, height: height, width: width, using: &generator)
            }
        }
        return output
    }

    @Test func cropThenTranslationThenFlipMatchesTheNaiveSteps() {
        let augmentation = Augmentation(cropPadding: 2, horizontalFlipProbability: 0.5, maxTranslation: 3)
        var generator = SeededGenerator(seed: 8)
        var flips = 0
        var shifts = Set<[Int]>()
        for _ in 0..<400 {
            // Replay the draws in their documented order: crop (y, x), translation (y, x), flip.
            var replay = generator
            let crop = (replay.nextIndex(below: 5) - 2, replay.nextIndex(below: 5) - 2)
            let translation = (replay.nextIndex(below: 7) - 3, replay.nextIndex(below: 7) - 3)
            let flip = replay.nextUnitFloat() < 0.5
            var expected = shifted(shifted(source, crop.0, crop.1), translation.0, translation.1)
            if flip { expected = mirrored(expected) }
            #expect(transformed(augmentation, &generator) == expected)
            #expect(generator == replay)
            flips += flip ? 1 : 0
            shifts.insert([crop.0, crop.1, translation.0, translation.1])
        }
        #expect((150...250).contains(flips))
        #expect(shifts.count > 300)
    }

    @Test func flipWithProbabilityOneMirrors() {
        var generator = SeededGenerator(seed: 1)
        #expect(transformed(Augmentation(horizontalFlipProbability: 1), &generator) == mirrored(source))
    }

    @Test func brightnessAndContrastFollowTheirFormulas() {
        let augmentation = Augmentation(brightness: 0.4, contrast: 0.3)
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<20 {
            var image: [Float] = (0..<12).map { Float($0) / 11 }
            var replay = generator
            let brightness = replay.nextUniform(in: 0.6..<1.4)
            let contrast = replay.nextUniform(in: 0.7..<1.3)
            var expected = image.map { min(max($0 * brightness, 0), 1) }
            let mean = expected.reduce(0, +) / 12
            expected = expected.map { min(max(mean + contrast * ($0 - mean), 0), 1) }
            image.withUnsafeMutableBufferPointer { augmentation.jitter($0.baseAddress!, count: 12, using: &generator) }
            #expect(image == expected)
        }
    }

    @Test func theIteratorAugmentsBeforeNormalizingAndOnlyWhenAsked() {
        let dataset = ImageDataset(images: source + source.reversed(), labels: [0, 1], channels: channels, height: height, width: width, classCount: 2)
        let augmentation = Augmentation(cropPadding: 1, horizontalFlipProbability: 0.5, brightness: 0.2)
        let normalization = InputNormalization.perChannel(mean: [0.2, 0.3], standardDeviation: [0.5, 0.25])
        var iterator = BatchIterator(dataset: dataset, batchSize: 2, shuffle: false, seed: 4, normalization: normalization, augmentation: augmentation)
        iterator.startEpoch(3)
        let images = iterator.nextBatch()!.images.scalars

        // The epoch's generator, then per sample: geometric draws, bytes → [0, 1], jitter, normalization.
        var generator = SeededGenerator(seed: 4 &+ 3 &* 0x9E37_79B9_7F4A_7C15)
        var expected: [Float] = []
        for sample in 0..<2 {
            var output = [UInt8](repeating: 0, count: 60)
            Array(dataset.image(at: sample)).withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { output in
                    augmentation.transform(input.baseAddress!, into: output.baseAddress!, channels: channels, height: height, width: width, using: &generator)
                }
            }
            var values = output.map { Float($0) / 255 }
            values.withUnsafeMutableBufferPointer { augmentation.jitter($0.baseAddress!, count: 60, using: &generator) }
            expected += values.enumerated().map { i, x in i < 30 ? (x - 0.2) / 0.5 : (x - 0.3) / 0.25 }
        }
        #expect(images == expected)

        var plain = BatchIterator(dataset: dataset, batchSize: 2, shuffle: false, seed: 4, normalization: normalization)
        plain.startEpoch(3)
        #expect(plain.nextBatch()!.images.scalars != images)
        plain.startEpoch(3)
        let unaugmented = (source + source.reversed()).enumerated().map { i, b in
            i % 60 < 30 ? (Float(b) / 255 - 0.2) / 0.5 : (Float(b) / 255 - 0.3) / 0.25
        }
        #expect(plain.nextBatch()!.images.scalars == unaugmented)
    }
}
