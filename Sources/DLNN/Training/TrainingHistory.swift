import Foundation

/// What a training run measured: the loss of every step and the metrics of every epoch.
public struct TrainingHistory: Codable, Equatable, Sendable {
    /// One optimizer step.
    public struct Step: Codable, Equatable, Sendable {
        /// 1-based index of the optimizer step over the whole run.
        public var step: Int
        /// 1-based epoch the step belongs to.
        public var epoch: Int
        /// Mean training loss of the step's mini-batch (before the update).
        public var loss: Float
        /// The learning rate the update used.
        public var learningRate: Float
    }

    /// One pass over the training split.
    public struct Epoch: Codable, Equatable, Sendable {
        public var epoch: Int
        /// Mean of the step losses of the epoch (in training mode, so with dropout and batch statistics).
        public var trainingLoss: Double
        /// Accuracy on the training mini-batches as they were seen during the epoch.
        public var trainingAccuracy: Double
        /// Loss and accuracy on the validation split in evaluation mode; nil without a validation split.
        public var validationLoss: Double?
        public var validationAccuracy: Double?
        /// The learning rate of the epoch's last step.
        public var learningRate: Float
        /// Wall-clock seconds of the epoch's training steps (evaluation excluded).
        public var seconds: Double
        /// Training images per second over the epoch.
        public var imagesPerSecond: Double
    }

    public var steps: [Step] = []
    public var epochs: [Epoch] = []

    public init() {}

    /// The epoch with the best validation accuracy (the first on ties), if any was evaluated.
    public var bestEpoch: Epoch? {
        epochs.filter { $0.validationAccuracy != nil }.max { ($0.validationAccuracy!, -$0.epoch) < ($1.validationAccuracy!, -$1.epoch) }
    }

    /// The first step at the end of whose epoch validation accuracy reached `target`, or nil.
    public func stepsToReach(validationAccuracy target: Double) -> Int? {
        guard let epoch = epochs.first(where: { ($0.validationAccuracy ?? 0) >= target }) else { return nil }
        return steps.last(where: { $0.epoch == epoch.epoch })?.step
    }

    /// Per-epoch rows as CSV (header included; empty cells where there was no validation split).
    public func epochsCSV() -> String {
        var lines = ["epoch,training_loss,training_accuracy,validation_loss,validation_accuracy,learning_rate,seconds,images_per_second"]
        for e in epochs {
            let cells: [String] = [
                "\(e.epoch)", "\(e.trainingLoss)", "\(e.trainingAccuracy)",
                e.validationLoss.map { "\($0)" } ?? "", e.validationAccuracy.map { "\($0)" } ?? "",
                "\(e.learningRate)", "\(e.seconds)", "\(e.imagesPerSecond)",
            ]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Per-step rows as CSV.
    public func stepsCSV() -> String {
        (["step,epoch,loss,learning_rate"] + steps.map { "\($0.step),\($0.epoch),\($0.loss),\($0.learningRate)" })
            .joined(separator: "\n") + "\n"
    }

    /// The history as pretty-printed JSON.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}
