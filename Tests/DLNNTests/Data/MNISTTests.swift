import Foundation
import Testing
@testable import DLNN

/// The real MNIST files shipped in Data/mnist.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: repositoryMNISTDirectory.appendingPathComponent("train-labels-idx1-ubyte.gz").path)))
struct MNISTTests {
    @Test func bundledDirectoryIsTheRepositoryFolder() {
        if ProcessInfo.processInfo.environment["DLNN_MNIST_DIR"] == nil {
            #expect(MNIST.bundledDirectory.standardizedFileURL.path == repositoryMNISTDirectory.standardizedFileURL.path)
        }
    }

    @Test func loadsTheOfficialFiles() throws {
        let (train, test) = try MNIST.load(directory: repositoryMNISTDirectory)
        #expect(train.count == 60000)
        #expect(test.count == 10000)
        #expect(train.imageShape == [1, 28, 28])
        #expect(train.labels.first == 5)
        #expect(test.labels.first == 7)
        #expect(train.classCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        #expect(test.classCounts.reduce(0, +) == 10000)

        // The classic statistics of the training set: mean 0.1307, standard deviation 0.3081.
        guard case .perChannel(let mean, let standardDeviation) = InputNormalization.perChannel(statisticsOf: train) else {
            Issue.record("expected per-channel statistics")
            return
        }
        #expect(abs(mean[0] - 0.1307) < 5e-5)
        #expect(abs(standardDeviation[0] - 0.3081) < 5e-5)
    }

    @Test func reportsAMissingFolderByFileName() throws {
        let directory = try TemporaryDirectory()
        let error = expectDatasetError(about: directory.url.appendingPathComponent("train-images-idx3-ubyte.gz")) {
            _ = try MNIST.load(directory: directory.url)
        }
        #expect(error?.problem == .missing)
    }
}
