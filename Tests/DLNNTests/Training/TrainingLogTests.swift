import Foundation
import Testing
@testable import DLNN

@Suite struct TrainingLogTests {
    private func train(logging format: TrainingLog.Format, into directory: URL) throws -> (Trainer, TrainingLog) {
        let model = denseModel(inputs: 1, outputs: 1, seed: 2)
        let log = TrainingLog(directory: directory, format: format)
        let trainer = Trainer(
            model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: 0.01),
            configuration: TrainingConfiguration(epochs: 2, batchSize: 2), callbacks: [log])
        try trainer.fit(training: quadraticProblem(), validation: nil)
        return (trainer, log)
    }

    @Test func csvLogsHoldEveryStepAndEpoch() throws {
        let directory = try TemporaryDirectory()
        let (trainer, log) = try train(logging: .csv, into: directory.url)
        let steps = try String(contentsOf: log.files.steps, encoding: .utf8)
        let epochs = try String(contentsOf: log.files.epochs, encoding: .utf8)
        #expect(steps == trainer.history.stepsCSV())
        #expect(steps.split(separator: "\n").count == 1 + 4, "header and 4 steps")
        #expect(steps.hasPrefix("step,epoch,loss,learning_rate\n1,1,"))
        #expect(epochs.split(separator: "\n").count == 1 + 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["epochs.csv", "steps.csv"])
    }

    @Test func jsonLinesHoldOneDecodableRecordPerLine() throws {
        let directory = try TemporaryDirectory()
        let (trainer, log) = try train(logging: .jsonLines, into: directory.url)
        let lines = try String(contentsOf: log.files.steps, encoding: .utf8).split(separator: "\n")
        let steps = try lines.map { try Trainer.jsonDecoder.decode(TrainingHistory.Step.self, from: Data($0.utf8)) }
        #expect(steps == trainer.history.steps)
        let epochLines = try String(contentsOf: log.files.epochs, encoding: .utf8).split(separator: "\n")
        #expect(epochLines.count == 2)
        #expect(epochLines[0].contains("\"trainingAccuracy\":\"nan\""), "no accuracy for value targets, written as \"nan\"")
    }
}
