import Testing
@testable import DLNN

@Suite struct ImageDatasetTests {
    private func dataset(count: Int = 20, channels: Int = 1, classCount: Int = 3) -> ImageDataset {
        let (images, labels) = sampleImages(count: count, channels: channels, classCount: classCount)
        return ImageDataset(images: images, labels: labels, channels: channels, height: 4, width: 3, classCount: classCount)
    }

    @Test func splitIsSeededDisjointAndComplete() {
        let full = dataset(count: 20)
        let (training, validation) = full.split(validationFraction: 0.25, seed: 3)
        #expect(training.count == 15 && validation.count == 5)
        // Identify samples by their image bytes, which are distinct.
        let identities = (0..<full.count).map { Array(full.image(at: $0)) }
        let trainingIDs = (0..<training.count).map { identities.firstIndex(of: Array(training.image(at: $0)))! }
        let validationIDs = (0..<validation.count).map { identities.firstIndex(of: Array(validation.image(at: $0)))! }
        #expect(Set(trainingIDs).isDisjoint(with: validationIDs))
        #expect(Set(trainingIDs + validationIDs) == Set(0..<20))
        #expect(trainingIDs == trainingIDs.sorted() && validationIDs == validationIDs.sorted())
        #expect(training.labels == trainingIDs.map { full.labels[$0] })

        let again = full.split(validationFraction: 0.25, seed: 3).validation
        let other = full.split(validationFraction: 0.25, seed: 4).validation
        #expect((0..<5).map { Array(again.image(at: $0)) } == validationIDs.map { identities[$0] })
        #expect((0..<5).map { Array(other.image(at: $0)) } != validationIDs.map { identities[$0] })
        #expect(full.split(validationFraction: 0, seed: 1).validation.count == 0)
    }

    @Test func subsetsAndPrefixesAreViews() {
        let full = dataset(count: 10)
        let subset = full.subset([7, 2, 2])
        #expect(subset.labels == [full.labels[7], full.labels[2], full.labels[2]])
        #expect(subset.image(at: 0) == full.image(at: 7))
        #expect(subset.subset([0]).image(at: 0) == full.image(at: 7))
        #expect(full.prefix(4).labels == Array(full.labels[..<4]))
        #expect(full.prefix(100).count == 10)
        #expect(full.prefix(0).count == 0)
        #expect(full.classCounts == [4, 3, 3])
        #expect(subset.classCounts == [0, 1, 2])
    }

    @Test func perChannelStatisticsMatchANaiveComputation() {
        let data = dataset(count: 6, channels: 2, classCount: 2).split(validationFraction: 0.5, seed: 9).training
        guard case .perChannel(let mean, let standardDeviation) = InputNormalization.perChannel(statisticsOf: data) else {
            Issue.record("expected per-channel statistics")
            return
        }
        for channel in 0..<2 {
            // Only the training view's pixels count.
            let values = (0..<data.count).flatMap { Array(data.image(at: $0))[channel * 12..<(channel + 1) * 12] }.map { Double($0) / 255 }
            let mu = values.reduce(0, +) / Double(values.count)
            let sigma = (values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(values.count)).squareRoot()
            #expect(abs(Double(mean[channel]) - mu) < 1e-6)
            #expect(abs(Double(standardDeviation[channel]) - sigma) < 1e-6)
        }
    }

    @Test func meanImageIsThePixelwiseMean() {
        let data = dataset(count: 5)
        guard case .meanImage(let mean) = InputNormalization.meanImage(of: data) else {
            Issue.record("expected a mean image")
            return
        }
        #expect(mean.count == 12)
        for pixel in 0..<12 {
            let expected = (0..<5).map { Double(Array(data.image(at: $0))[pixel]) / 255 }.reduce(0, +) / 5
            #expect(abs(Double(mean[pixel]) - expected) < 1e-6)
        }
    }

    @Test func constantChannelGetsUnitStandardDeviation() {
        let data = ImageDataset(images: [9, 9, 9, 9], labels: [0, 1], channels: 1, height: 1, width: 2, classCount: 2)
        #expect(InputNormalization.perChannel(statisticsOf: data) == .perChannel(mean: [Float(9.0 / 255.0)], standardDeviation: [1]))
    }
}
