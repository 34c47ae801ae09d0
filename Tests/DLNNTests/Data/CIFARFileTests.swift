import Foundation
import Testing
@testable import DLNN

@Suite struct CIFARFileTests {
    /// `count` records: label bytes, then a 3×32×32 image whose bytes encode the record index.
    private func records(count: Int, labels: (Int) -> [UInt8]) -> [UInt8] {
        (0..<count).flatMap { index in labels(index) + (0..<3072).map { UInt8(truncatingIfNeeded: $0 + 7 * index) } }
    }

    @Test func readsCIFAR10RecordsAcrossFiles() throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write(records(count: 3) { [UInt8($0)] }, to: "data_batch_1.bin")
        let second = try directory.write(gzip(records(count: 2) { [UInt8(9 - $0)] }), to: "data_batch_2.bin")
        let dataset = try CIFARFile.read(contentsOf: [first, second], format: .cifar10)
        #expect(dataset.count == 5)
        #expect(dataset.imageShape == [3, 32, 32])
        #expect(dataset.classCount == 10)
        #expect(dataset.labels == [0, 1, 2, 9, 8])
        #expect(Array(dataset.image(at: 1)) == (0..<3072).map { UInt8(truncatingIfNeeded: $0 + 7) })
        #expect(Array(dataset.image(at: 4)) == (0..<3072).map { UInt8(truncatingIfNeeded: $0 + 7) })
    }

    @Test func readsCIFAR100CoarseOrFineLabels() throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write(records(count: 2) { [UInt8(19 - $0), UInt8(50 + $0)] }, to: "train.bin")
        let coarse = try CIFARFile.read(contentsOf: [url], format: .cifar100Coarse)
        let fine = try CIFARFile.read(contentsOf: [url], format: .cifar100Fine)
        #expect(coarse.labels == [19, 18] && coarse.classCount == 20)
        #expect(fine.labels == [50, 51] && fine.classCount == 100)
        #expect(Array(fine.image(at: 1)) == Array(coarse.image(at: 1)))
    }

    @Test func loadsTheStandardFolderLayouts() throws {
        let directory = try TemporaryDirectory()
        for batch in 1...5 { try directory.write(records(count: 2) { _ in [UInt8(batch)] }, to: "data_batch_\(batch).bin") }
        try directory.write(records(count: 1) { _ in [7] }, to: "test_batch.bin")
        let (train, test) = try CIFAR10.load(directory: directory.url)
        #expect(train.labels == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        #expect(test.labels == [7])

        try directory.write(records(count: 2) { [3, UInt8(90 + $0)] }, to: "train.bin")
        try directory.write(records(count: 1) { _ in [4, 42] }, to: "test.bin")
        let fine = try CIFAR100.load(directory: directory.url)
        let coarse = try CIFAR100.load(directory: directory.url, fineLabels: false)
        #expect(fine.train.labels == [90, 91] && fine.test.labels == [42])
        #expect(coarse.train.labels == [3, 3] && coarse.test.labels == [4])
    }

    @Test func namesTheFileAndTheProblem() throws {
        let directory = try TemporaryDirectory()
        let good = try directory.write(records(count: 1) { _ in [1] }, to: "good.bin")
        let partial = try directory.write(Array(records(count: 2) { _ in [1] }.dropLast(10)), to: "partial.bin")
        let empty = try directory.write([], to: "empty.bin")
        let badLabel = try directory.write(records(count: 2) { [UInt8($0 * 10)] }, to: "label.bin")
        let missing = directory.url.appendingPathComponent("data_batch_9.bin")

        // A missing file is reported before anything is read, even after a good one.
        #expect(expectDatasetError(about: missing) { _ = try CIFARFile.read(contentsOf: [good, missing], format: .cifar10) }?.problem == .missing)
        #expect(expectDatasetError(about: partial) { _ = try CIFARFile.read(contentsOf: [partial], format: .cifar10) }?.problem
            == .partialRecord(fileBytes: 2 * 3073 - 10, recordBytes: 3073))
        #expect(expectDatasetError(about: empty) { _ = try CIFARFile.read(contentsOf: [empty], format: .cifar10) }?.problem
            == .partialRecord(fileBytes: 0, recordBytes: 3073))
        #expect(expectDatasetError(about: badLabel) { _ = try CIFARFile.read(contentsOf: [badLabel], format: .cifar10) }?.problem
            == .labelOutOfRange(label: 10, sample: 1, classCount: 10))
        // A CIFAR-10 file read as CIFAR-100 has the wrong record length.
        #expect(expectDatasetError(about: good) { _ = try CIFARFile.read(contentsOf: [good], format: .cifar100Fine) }?.problem
            == .partialRecord(fileBytes: 3073, recordBytes: 3074))
    }
}
