import Foundation
import Testing
@testable import DLBenchKit
@testable import DLNN

@Suite struct TrainCommandTests {
    @Test(arguments: [
        ["train", "--epochs", "0"],
        ["train", "--batch-size", "-3"],
        ["train", "--learning-rate", "-0.1"],
        ["train", "--optimizer", "sgdd"],
        ["train", "--data", "/nonexistent/folder"],
        ["train", "--no-such-flag"],
        ["train", "--train-size", "0"],
        ["no-such-subcommand"],
    ])
    func badFlagsExitWithStatus2(arguments: [String]) {
        #expect(DLBench.run(arguments: arguments) == 2)
    }

    @Test func goodFlagsParse() throws {
        let command = try #require(
            try DLBench.parseAsRoot(["train", "--model", "mlp", "--optimizer", "adam", "--learning-rate", "0.002", "--quick", "--format", "csv"])
                as? TrainCommand)
        #expect(command.model == .mlp && command.optimizer == .adam && command.learningRate == 0.002)
        #expect(command.common.quick && command.common.format == .csv)
        let cut = try #require(try DLBench.parseAsRoot(["train", "--train-size", "1000"]) as? TrainCommand)
        #expect(cut.trainSize == 1000)
    }

    @Test func fashionMNISTIsKnownByName() throws {
        let options = try CommonOptions.parse(["--data", "fashion-mnist"])
        #expect(options.dataDirectory?.path == "/usr/share/datasets/fashion-mnist")
        #expect(try CommonOptions.parse([]).dataDirectory == nil)
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") else { return }
        #expect(try DataSplits.load(directory: options.dataDirectory, quick: true, seed: 1).name == "Fashion-MNIST")
    }

    @Test func quickRunWritesItsReport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let code = DLBench.run(arguments: ["train", "--model", "mlp", "--quick", "--quiet", "--format", "json", "--out", directory.path])
        #expect(code == 0)
        for file in ["report.md", "results.csv", "results.json", "loss.svg", "validation-accuracy.svg", "history.json", "checkpoints/last.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("results.json")))
        #expect(json is [String: Any])
        let model = try ModelKind.mlp.make(imageShape: [1, 28, 28], classCount: 10, seed: 0)
        try model.loadWeights(from: directory.appendingPathComponent("checkpoints/last.safetensors"))
    }
}
