import DLNN

/// One line of a comparison: the name in its tables and legends and the training specification it
/// stands for. The specification's model and optimizer kinds are the factories of the model and the
/// optimizer; its seed is replaced by each of the comparison's seeds in turn, and a nil learning
/// rate is tuned on the validation split when the comparison tunes. Its batch size is the budget's
/// unless the entry sets its own (`batchSize`), as the large-batch comparison does.
struct ComparisonEntry {
    var name: String
    var spec: TrainingSpec
    /// nil: the budget's batch size.
    var batchSize: Int?
}

/// How much training each run of a comparison gets.
struct Budget: Equatable {
    var epochs: Int
    var batchSize = 64
    /// Training images used, a prefix of the training split; nil: all of them.
    var trainingSize: Int?
    /// Validation and test images used, prefixes of their splits; nil: all of them (`--quick` uses fewer).
    var evaluationSize: Int?

    /// `"2 epochs of batch 64 on the first 15000 training images"`.
    var text: String {
        "\(epochs) epoch\(epochs == 1 ? "" : "s") of batch \(batchSize) on "
            + (trainingSize.map { "the first \($0) training images" } ?? "all training images")
            + (evaluationSize.map { ", evaluated on the first \($0) validation and test images" } ?? "")
    }

    /// `data` cut to this budget's training and evaluation sizes.
    func cut(_ data: DataSplits) -> DataSplits {
        var data = data.cut(toTrainingSize: trainingSize)
        if let evaluationSize {
            data.validation = data.validation.prefix(min(evaluationSize, data.validation.count))
            data.test = data.test.prefix(min(evaluationSize, data.test.count))
        }
        return data
    }

    /// `entry` with this budget's epochs, and its batch size unless the entry sets its own.
    func applied(to entry: ComparisonEntry) -> ComparisonEntry {
        var entry = entry
        entry.spec.epochs = epochs
        entry.spec.batchSize = entry.batchSize ?? batchSize
        return entry
    }
}
