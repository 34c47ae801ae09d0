import Testing
@testable import DLNN

@Suite struct CrossValidationTests {
    @Test(arguments: [(2, 2), (7, 2), (7, 3), (10, 5), (101, 5), (101, 10), (12, 12)])
    func foldsAreDisjointCompleteAndBalanced(sampleCount: Int, foldCount: Int) {
        let split = CrossValidation(sampleCount: sampleCount, foldCount: foldCount, seed: 3)
        #expect(split.folds.count == foldCount)
        #expect(split.folds.flatMap { $0 }.sorted() == Array(0..<sampleCount), "every index exactly once")
        let sizes = split.folds.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
        for fold in 0..<foldCount {
            #expect(split.folds[fold] == split.folds[fold].sorted())
            let training = split.trainingIndices(ofFold: fold)
            #expect(Set(training).isDisjoint(with: split.folds[fold]))
            #expect((training + split.folds[fold]).sorted() == Array(0..<sampleCount))
        }
    }

    @Test func theSeedDecidesTheFolds() {
        #expect(CrossValidation(sampleCount: 101, foldCount: 5, seed: 3).folds == CrossValidation(sampleCount: 101, foldCount: 5, seed: 3).folds)
        #expect(CrossValidation(sampleCount: 101, foldCount: 5, seed: 3).folds != CrossValidation(sampleCount: 101, foldCount: 5, seed: 4).folds)
    }

    @Test func scoresEveryFoldWithMeanAndStandardDeviation() {
        let split = CrossValidation(sampleCount: 9, foldCount: 3, seed: 1)
        var seen: [[Int]] = []
        let scores = split.scores { training, validation in
            #expect(training.count + validation.count == 9)
            seen.append(validation)
            return Double(seen.count - 1)
        }
        #expect(seen == split.folds)
        #expect(scores.perFold == [0, 1, 2])
        #expect(scores.mean == 1)
        #expect(scores.standardDeviation == 1, "sample standard deviation of 0, 1, 2")
        #expect(CrossValidationScores(perFold: [0.5]).standardDeviation == 0)
    }
}
