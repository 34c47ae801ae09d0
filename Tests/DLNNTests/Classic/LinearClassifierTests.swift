import Testing
@testable import DLNN

/// 1×2×2 images: class 0 has a bright top row, class 1 a bright bottom row, both with noise.
private func separableImages(count: Int, seed: UInt64) -> ImageDataset {
    var generator = SeededGenerator(seed: seed)
    var images: [UInt8] = []
    let labels = (0..<count).map { $0 % 2 }
    for label in labels {
        let bright = { UInt8(200 + generator.nextIndex(below: 56)) }, dark = { UInt8(generator.nextIndex(below: 56)) }
        images += label == 0 ? [bright(), bright(), dark(), dark()] : [dark(), dark(), bright(), bright()]
    }
    return ImageDataset(images: images, labels: labels, channels: 1, height: 2, width: 2, classCount: 2)
}

@Suite struct LinearClassifierTests {
    @Test(arguments: [0, 1])
    func learnsASeparableProblem(lossKind: Int) throws {
        let training = separableImages(count: 40, seed: 1), test = separableImages(count: 20, seed: 2)
        let classifier = LinearClassifier(imageShape: [1, 2, 2], classCount: 2, seed: 3)
        let loss: any ClassificationLoss = lossKind == 0 ? SoftmaxCrossEntropy() : MulticlassHinge()
        let trainer = Trainer(
            model: classifier.model, loss: loss, optimizer: SGD(classifier.model.allParameters, learningRate: 0.1),
            configuration: TrainingConfiguration(epochs: 20, batchSize: 8, seed: 4, weightPenalty: L2Penalty(strength: 1e-3)))
        try trainer.fit(training: training, validation: nil, normalization: .unitRange)
        #expect(trainer.evaluate(test, normalization: .unitRange).accuracy == 1)

        let templates = classifier.classTemplates()
        #expect(templates.count == 2 && templates.allSatisfy { $0.count == 4 })
        #expect(templates.allSatisfy { $0.min() == 0 && $0.max() == 255 })
        // Class 0's template is brighter on the top row than on the bottom row, class 1's the other way round.
        #expect(Int(templates[0][0]) + Int(templates[0][1]) > Int(templates[0][2]) + Int(templates[0][3]))
        #expect(Int(templates[1][2]) + Int(templates[1][3]) > Int(templates[1][0]) + Int(templates[1][1]))
    }
}
