import DLNN

extension ComparisonDefinition {
    /// `dlbench optimizers`: the same model, initial weights and data order under each optimizer,
    /// each at its own learning rate chosen on the validation split (or at `learningRate` for all).
    /// The default run uses every optimizer; `--quick`, Momentum and Adam.
    static func optimizers(
        _ kinds: [OptimizerKind]? = nil, model: ModelKind = .lenet5, schedule: ScheduleKind = .constant, learningRate: Float? = nil,
        tunes: Bool = true
    ) -> ComparisonDefinition {
        ComparisonDefinition(
            name: "optimizers", title: "Optimizers",
            question: "Which update rule trains \(model.rawValue) best when every optimizer gets the same model, initial weights, data order "
                + "and budget, and a learning rate tuned for it on the validation split? Defaults would compare the defaults, not the optimizers.",
            entryKind: "optimizer",
            budget: Budget(epochs: 2, trainingSize: 10_000), quickBudget: Budget(epochs: 1, trainingSize: 256, evaluationSize: 500),
            entries: { quick in
                (kinds ?? (quick ? [.momentum, .adam] : OptimizerKind.allCases)).map { kind in
                    ComparisonEntry(name: kind.displayName, spec: TrainingSpec(
                        model: model, optimizer: kind, learningRate: tunes ? learningRate : learningRate ?? kind.defaultLearningRate, schedule: schedule))
                }
            },
            tunesLearningRate: tunes)
    }
}
