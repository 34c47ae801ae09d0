import Foundation
import Testing
@testable import DLNN

/// The sequence data sets: time-major batches, row and permuted MNIST, the adding problem, copy
/// memory, the character corpus and its truncated-BPTT streams, and their bad settings.
@Suite struct SequenceDataTests {
    @Test func batchesAreTimeMajorWithTheirTargets() throws {
        // 3 sequences of 2 steps of 2 features: x[s, t, f] = 100s + 10t + f.
        var scalars: [Float] = []
        for s in 0..<3 { for t in 0..<2 { for f in 0..<2 { scalars.append(Float(100 * s + 10 * t + f)) } } }
        let x = Tensor(shape: [3, 2, 2], scalars: scalars)
        let steps = try SequenceDataset(sequences: x, targets: .stepLabels([0, 1, 2, 0, 1, 2]), classCount: 3)
        #expect(steps.sampleShape == [2, 2] && steps.batchLayout == BatchLayout.timeMajor(targetsPerStep: true))
        var batches = steps.batches(size: 2, shuffle: false, seed: 0)
        batches.startEpoch(0)
        let next = batches.nextTrainingBatch()
        let first = try #require(next)
        #expect(first.inputs.shape == [2, 2, 2])
        #expect(first.inputs.scalars == [0, 1, 100, 101, 10, 11, 110, 111])
        guard case .labels(let labels) = first.targets else { Issue.record("labels expected"); return }
        #expect(labels == [0, 2, 1, 0], "time-major: step 0 of samples 0 and 1, then step 1")
        let second = batches.nextTrainingBatch()
        #expect(second?.inputs.shape == [2, 1, 2])
        #expect(batches.nextTrainingBatch() == nil)
        #expect(batches.sampleCount == 6)

        let values = try SequenceDataset(sequences: x, targets: .values(Tensor(shape: [3, 1], scalars: [7, 8, 9])))
        var valueBatches = values.subset([2, 0]).batches(size: 4, shuffle: false, seed: 0)
        valueBatches.startEpoch(0)
        let valueBatch = valueBatches.nextTrainingBatch()
        let batch = try #require(valueBatch)
        #expect(batch.inputs.scalars == [200, 201, 0, 1, 210, 211, 10, 11])
        guard case .values(let targets) = batch.targets else { Issue.record("values expected"); return }
        #expect(targets.scalars == [9, 7] && valueBatches.sampleCount == 2)
    }

    @Test func shuffledEpochsAreDeterministicAndVisitEverySequence() throws {
        let data = try SequenceDataset.addingProblem(count: 10, length: 4, seed: 3)
        func epoch(_ index: Int) -> [Float] {
            var batches = data.batches(size: 3, shuffle: true, seed: 5)
            batches.startEpoch(index)
            var targets: [Float] = []
            while let batch = batches.nextTrainingBatch() {
                if case .values(let values) = batch.targets { targets += values.scalars }
            }
            return targets
        }
        #expect(epoch(1) == epoch(1))
        #expect(epoch(1) != epoch(2))
        guard case .values(let all) = data.targets else { Issue.record("values expected"); return }
        #expect(epoch(1).sorted() == all.scalars.sorted())
    }

    @Test func addingProblemTargetsAreTheSumOfTheMarkedValues() throws {
        let (count, length) = (50, 9)
        let data = try SequenceDataset.addingProblem(count: count, length: length, seed: 1)
        #expect(data.sequences.shape == [50, 9, 2] && data.targetKind == .values(shape: [1]))
        guard case .values(let targets) = data.targets else { Issue.record("values expected"); return }
        let x = data.sequences.scalars
        var squaredErrorOfOne = 0.0
        for s in 0..<count {
            let steps = (0..<length).map { (value: x[(s * length + $0) * 2], marker: x[(s * length + $0) * 2 + 1]) }
            let marked = steps.indices.filter { steps[$0].marker == 1 }
            #expect(marked.count == 2 && marked[0] < length / 2 && marked[1] >= length / 2)
            #expect(steps.allSatisfy { $0.marker == 0 || $0.marker == 1 } && steps.allSatisfy { (0..<1).contains($0.value) })
            #expect(targets.scalars[s] == steps[marked[0]].value + steps[marked[1]].value)
            squaredErrorOfOne += Double((targets.scalars[s] - 1) * (targets.scalars[s] - 1))
        }
        #expect(abs(squaredErrorOfOne / Double(count) - SequenceDataset.addingProblemBaselineError) < 0.07)
        #expect(try SequenceDataset.addingProblem(count: count, length: length, seed: 1).sequences == data.sequences)
        #expect(try SequenceDataset.addingProblem(count: count, length: length, seed: 2).sequences != data.sequences)
    }

    @Test func copyMemoryRepeatsTheSymbolsAfterTheDelimiter() throws {
        let (delay, copyLength, symbols) = (5, 3, 4)
        let data = try SequenceDataset.copyMemory(count: 6, delay: delay, copyLength: copyLength, symbols: symbols, seed: 2)
        let length = delay + 2 * copyLength
        #expect(data.sequences.shape == [6, 11, 6] && data.classCount == 5)
        guard case .stepLabels(let labels) = data.targets else { Issue.record("step labels expected"); return }
        let x = data.sequences.scalars
        for s in 0..<6 {
            let inputs = (0..<length).map { t in (0..<(symbols + 2)).first { x[(s * length + t) * (symbols + 2) + $0] == 1 }! }
            #expect(inputs[copyLength + delay - 1] == symbols + 1, "the delimiter")
            #expect(inputs[..<copyLength].allSatisfy { (1...symbols).contains($0) })
            #expect(inputs[copyLength...].filter { $0 != 0 }.count == 1, "only the delimiter after the symbols")
            let row = Array(labels[(s * length)..<((s + 1) * length)])
            #expect(row[..<(length - copyLength)].allSatisfy { $0 == 0 })
            #expect(Array(row[(length - copyLength)...]) == Array(inputs[..<copyLength]))
        }
        #expect(abs(SequenceDataset.copyMemoryBaselineLoss(delay: delay, copyLength: copyLength, symbols: symbols) - 3 * log(4.0) / 11) < 1e-12)
    }

    @Test func imagesBecomeRowsOrPermutedPixels() throws {
        let (bytes, labels) = sampleImages(count: 3, height: 4, width: 3)
        let images = ImageDataset(images: bytes, labels: labels, channels: 1, height: 4, width: 3, classCount: 3)
        let rows = try SequenceDataset(images: images, steps: 4)
        #expect(rows.sequences.shape == [3, 4, 3])
        #expect(rows.sequences.scalars == bytes.map { Float($0) / 255 })
        guard case .labels(let rowLabels) = rows.targets else { Issue.record("labels expected"); return }
        #expect(rowLabels == labels)

        let permutation = SequenceDataset.pixelSource(.permuted(seed: 9), pixels: 12)
        #expect(permutation.sorted() == Array(0..<12) && permutation != Array(0..<12))
        #expect(SequenceDataset.pixelSource(.permuted(seed: 9), pixels: 12) == permutation)
        let pixels = try SequenceDataset(images: images, steps: 12, order: .permuted(seed: 9))
        #expect(pixels.sequences.shape == [3, 12, 1])
        for s in 0..<3 {
            for (k, source) in permutation.enumerated() {
                #expect(pixels.sequences.scalars[s * 12 + k] == Float(bytes[s * 12 + source]) / 255)
            }
        }
    }

    @Test func badSettingsAreErrors() {
        let (bytes, labels) = sampleImages(count: 2, height: 4, width: 3)
        let images = ImageDataset(images: bytes, labels: labels, channels: 1, height: 4, width: 3, classCount: 3)
        #expect(throws: SequenceDataError.self) { try SequenceDataset(images: images, steps: 5) }
        #expect(throws: SequenceDataError.self) { try SequenceDataset(images: images, steps: 0) }
        #expect(throws: SequenceDataError.self) { try SequenceDataset.addingProblem(count: 4, length: 1, seed: 0) }
        #expect(throws: SequenceDataError.self) { try SequenceDataset.addingProblem(count: 4, length: 0, seed: 0) }
        #expect(throws: SequenceDataError.self) { try SequenceDataset.copyMemory(count: 4, delay: 0, seed: 0) }
        #expect(throws: SequenceDataError.self) { try CharacterStreams(text: [0, 1, 0], vocabularySize: 2, steps: 0) }
        #expect(throws: SequenceDataError.self) { try CharacterStreams(text: [0, 1, 0], vocabularySize: 2, steps: 3) }
        #expect(throws: SequenceDataError.self) { try CharacterStreams(text: [0, 2, 0], vocabularySize: 2, steps: 1) }
        #expect(throws: SequenceDataError.self) { try SequenceDataset(sequences: Tensor.zeros([2, 3]), targets: .labels([0, 0])) }
        #expect(throws: SequenceDataError.label(3, index: 1, classCount: 3)) {
            try SequenceDataset(sequences: Tensor.zeros([2, 1, 1]), targets: .labels([0, 3]), classCount: 3)
        }
    }

    @Test func corpusRoundTripsAndSplitsOffADisjointTail() throws {
        let corpus = try #require(CharacterCorpus(text: "to be, or not to be"))
        #expect(corpus.vocabulary.map(String.init).joined() == " ,benort")
        #expect(corpus.decode(corpus.indices) == "to be, or not to be")
        #expect(corpus.encode("robe") .map(corpus.decode) == "robe")
        #expect(corpus.encode("toby") == nil, "y is not in the vocabulary")
        let (training, heldOut) = try corpus.split(heldOutFraction: 0.25)
        #expect(heldOut.count == 5 && training.count == 14)
        #expect(training + heldOut == corpus.indices, "the held-out part is the tail, disjoint from the training part")
        #expect(throws: SequenceDataError.self) { try corpus.split(heldOutFraction: 1) }
        #expect(CharacterCorpus(text: "a") == nil)
    }

    @Test func bundledTinyShakespeareLoads() throws {
        let corpus = try CharacterCorpus.load()
        #expect(corpus.count == 1_115_394 && corpus.vocabulary.count == 65)
        #expect(corpus.decode(corpus.indices[..<14]) == "First Citizen:")
    }

    @Test func corpusFilesThatCannotBeUsedAreErrors() throws {
        let folder = try TemporaryDirectory()
        let missing = folder.url.appendingPathComponent("none.txt")
        #expect(expectDatasetError(about: missing) { _ = try CharacterCorpus.load(missing) }?.problem == .missing)
        let gzipped = try folder.write(gzip(Array("hello there".utf8)), to: "text.gz")
        #expect(try CharacterCorpus.load(gzipped).decode(CharacterCorpus.load(gzipped).indices) == "hello there")
        let binary = try folder.write([0xFF, 0xFE, 0xFD], to: "binary.txt")
        #expect(expectDatasetError(about: binary) { _ = try CharacterCorpus.load(binary) }?.problem == .notUsableText(reason: "not UTF-8"))
        let short = try folder.write(Array("x".utf8), to: "short.txt")
        #expect(expectDatasetError(about: short) { _ = try CharacterCorpus.load(short) } != nil)
    }

    @Test func streamsContinueAcrossConsecutiveChunks() throws {
        // 23 characters, 2 streams of 11 (the last character unused), chunks of 3: 3 chunks per stream.
        let text = (0..<23).map { $0 % 7 }
        let streams = try CharacterStreams(text: text, vocabularySize: 7, steps: 3)
        var chunks = streams.batches(size: 2, shuffle: true, seed: 0)
        #expect(chunks.streamLength == 11 && chunks.chunkCount == 3 && chunks.sampleCount == 18)
        chunks.startEpoch(0)
        var read: [[Float]] = [[], []], next: [[Int]] = [[], []]
        while let batch = chunks.nextTrainingBatch() {
            #expect(batch.inputs.shape == [3, 2])
            guard case .labels(let labels) = batch.targets else { Issue.record("labels expected"); return }
            for t in 0..<3 {
                for n in 0..<2 {
                    read[n].append(batch.inputs.scalars[t * 2 + n])
                    next[n].append(labels[t * 2 + n])
                }
            }
        }
        for n in 0..<2 {
            #expect(read[n] == text[(n * 11)..<(n * 11 + 9)].map(Float.init), "stream \(n) reads its part in order")
            #expect(next[n] == Array(text[(n * 11 + 1)..<(n * 11 + 10)]), "each label is the next character")
        }
        chunks.startEpoch(1)
        let restart = chunks.nextTrainingBatch()
        #expect(restart?.inputs.scalars == [0, 4, 1, 5, 2, 6], "every epoch starts at the streams' beginnings")
    }
}
