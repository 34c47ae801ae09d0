import Foundation
import Testing

/// What a user can get wrong on the command line or in a data folder: each ends with a one-line
/// error and status 2 (misuse) or 1 (bad data), never a signal, a hang or a made-up result.
@Suite struct BadInputTests {
    private static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-bad-input-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs dlbench and checks that it exits with `status` and an error line containing `message`.
    private func expectFailure(
        _ arguments: [String], status: Int32, message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let outcome = try DLBenchProcess.run(arguments + ["--quiet"], timeout: 60)
        #expect(outcome.signal == nil, "ended by signal \(outcome.signal ?? 0): \(outcome.errors)", sourceLocation: sourceLocation)
        #expect(outcome.status == status, "status \(outcome.status): \(outcome.errors)", sourceLocation: sourceLocation)
        #expect(outcome.errors.hasPrefix("dlbench: error: ") && outcome.errors.contains(message), "\(outcome.errors)", sourceLocation: sourceLocation)
        #expect(outcome.errors.split(separator: "\n").count == 1, "one line: \(outcome.errors)", sourceLocation: sourceLocation)
        #expect(!outcome.output.contains("accuracy"), "no result is reported", sourceLocation: sourceLocation)
    }

    @Test func flagsOutOfRangeAreMisuse() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("a-file")
        try Data().write(to: file)
        try expectFailure(["train", "--epochs", "-5"], status: 2, message: "--epochs must be between 1 and")
        try expectFailure(["train", "--epochs", "9223372036854775807"], status: 2, message: "--epochs must be between")
        try expectFailure(["train", "--batch-size", "0"], status: 2, message: "--batch-size must be between")
        try expectFailure(["optimizers", "--train-size", "-1"], status: 2, message: "--train-size must be between")
        try expectFailure(["train", "--seed", "-1"], status: 2, message: "--seed")
        try expectFailure(["train", "--out", ""], status: 2, message: "--out must name a folder")
        try expectFailure(["train", "--quick", "--out", file.path], status: 2, message: "is a file, not a folder")
        try expectFailure(["train", "--quick", "--out", "/proc/dlbench-test/out"], status: 2, message: "cannot create /proc/dlbench-test")
        try expectFailure(["kernels", "--target", "1e300"], status: 2, message: "--target must be a number of seconds in (0, 600]")
        try expectFailure(["all", "--out", ""], status: 2, message: "--out must name a folder")
    }

    @Test func dataTheModelCannotTakeIsRefusedBeforeTraining() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tiny = directory.appendingPathComponent("tiny")
        try IDXWriter.folder(at: tiny, trainCount: 20, testCount: 5, imageShape: [1, 1])
        try expectFailure(["train", "--data", tiny.path, "--model", "lenet5"], status: 1, message: "--model lenet5 cannot take the 1×1×1 images")
        try expectFailure(["train", "--data", tiny.path, "--model", "vgg"], status: 1, message: "cannot take")

        let mixed = directory.appendingPathComponent("mixed")
        try IDXWriter.folder(at: mixed, trainCount: 20, testCount: 5, imageShape: [1, 8, 8], testImageShape: [3, 8, 8])
        try expectFailure(["train", "--data", mixed.path, "--model", "mlp"], status: 1, message: "training images are 1×8×8 but test images are 3×8×8")

        try expectFailure(["compress", "--data", tiny.path], status: 1, message: "compress studies MNIST-shaped models")

        let huge = directory.appendingPathComponent("huge")
        try IDXWriter.folder(at: huge, trainCount: 2, testCount: 1, imageShape: [1100, 1000])
        try expectFailure(["train", "--data", huge.path, "--model", "mlp"], status: 1, message: "larger than dlbench's models take")
    }

    @Test func dataSetsTooSmallAreErrorsNotResults() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let one = directory.appendingPathComponent("one")
        try IDXWriter.folder(at: one, trainCount: 1, testCount: 5)
        try expectFailure(["train", "--data", one.path, "--model", "mlp"], status: 1, message: "at least 2 are needed")
        let empty = directory.appendingPathComponent("empty")
        try IDXWriter.folder(at: empty, trainCount: 0, testCount: 5)
        try expectFailure(["train", "--data", empty.path, "--model", "mlp"], status: 1, message: "train-images-idx3-ubyte")
        let noTest = directory.appendingPathComponent("no-test")
        try IDXWriter.folder(at: noTest, trainCount: 20, testCount: 0)
        try expectFailure(["train", "--data", noTest.path, "--model", "mlp"], status: 1, message: "t10k-images-idx3-ubyte")
    }

    @Test func schedulesLongerThanTheRunAreRefused() throws {
        try expectFailure(["train", "--quick", "--model", "mlp", "--schedule", "onecycle", "--batch-size", "2000"],
                          status: 1, message: "the one-cycle schedule needs at least 4 optimizer steps, but this run has 2")
        try expectFailure(["schedules", "--quick", "--train-size", "100", "--epochs", "1", "--batch-size", "64", "--schedules", "onecycle"],
                          status: 1, message: "needs at least 4 optimizer steps")
    }

    @Test func aFIFOInTheDataFolderFailsAtOnce() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try IDXWriter.folder(at: directory, trainCount: 20, testCount: 5)
        let images = directory.appendingPathComponent("train-images-idx3-ubyte")
        try FileManager.default.removeItem(at: images)
        #expect(mkfifo(images.path, 0o644) == 0)
        try expectFailure(["train", "--data", directory.path, "--model", "mlp"], status: 1, message: "train-images-idx3-ubyte")
    }
}
