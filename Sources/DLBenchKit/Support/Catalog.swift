import ArgumentParser
import DLNN
import Foundation

/// The models `dlbench` can train, by command-line name.
enum ModelKind: String, CaseIterable, ExpressibleByArgument {
    case mlp, lenet5, vgg, resnet

    /// Builds the model for images of `shape` (C, H, W) and `classCount` classes; every call with
    /// the same seed gives the same initial weights. Throws a `ShapeError` when the images are too
    /// small for the model's poolings. `dropout` applies to the MLP's hidden layers only.
    func make(
        imageShape shape: TensorShape, classCount: Int, normalization: NormKind = .none, dropout: Float = 0, seed: UInt64
    ) throws(ShapeError) -> Sequential {
        let norm = normalization.factory
        switch self {
        case .mlp:
            let mlp = Models.mlp(sizes: [shape.reduce(1, *), 512, 512, classCount], dropout: dropout, seed: seed)
            return Sequential(named: [("flatten", Flatten()), ("mlp", mlp)])
        case .lenet5:
            return try Models.lenet5(inputChannels: shape[0], classCount: classCount, imageSize: (shape[1], shape[2]), seed: seed)
        case .vgg:
            return try Models.smallVGG(inputChannels: shape[0], classCount: classCount, imageSize: (shape[1], shape[2]), normalization: norm, seed: seed)
        case .resnet:
            return Models.smallResNet(inputChannels: shape[0], classCount: classCount, normalization: norm, seed: seed)
        }
    }
}

/// The normalization layer placed after each convolution, by command-line name.
enum NormKind: String, CaseIterable, ExpressibleByArgument {
    case none, batch, layer, instance, group

    /// Groups used by `GroupNorm`: the Group Normalization paper's G = 32 is more than the 16–32
    /// channels of these small networks have, so use 4 groups (or fewer when channels are few).
    static let groupCount = 4

    var displayName: String {
        switch self {
        case .none: "none"
        case .batch: "BatchNorm"
        case .layer: "LayerNorm"
        case .instance: "InstanceNorm"
        case .group: "GroupNorm"
        }
    }

    /// Makes the layer for `channels` channels of NCHW feature maps (nil for `.none`).
    var factory: ((_ channels: Int) -> any Layer)? {
        switch self {
        case .none: nil
        case .batch: { BatchNorm(features: $0) }
        // LayerNorm over (C, H, W) needs the spatial size, unknown here; GroupNorm with one group is
        // the same normalization (with per-channel rather than per-element γ, β).
        case .layer: { GroupNorm(groups: 1, channels: $0) }
        case .instance: { InstanceNorm(channels: $0, affine: true) }
        case .group: { GroupNorm(groups: Swift.min(NormKind.groupCount, $0), channels: $0) }
        }
    }
}

/// The optimizers `dlbench` compares, by command-line name, each with its documented default learning rate.
enum OptimizerKind: String, CaseIterable, ExpressibleByArgument {
    case sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, amsgrad, nadam, adamw, swats

    var displayName: String {
        switch self {
        case .sgd: "SGD"
        case .momentum: "Momentum"
        case .nesterov: "Nesterov"
        case .adagrad: "AdaGrad"
        case .rmsprop: "RMSProp"
        case .adadelta: "Adadelta"
        case .adam: "Adam"
        case .amsgrad: "AMSGrad"
        case .nadam: "Nadam"
        case .adamw: "AdamW"
        case .swats: "SWATS"
        }
    }

    /// The default learning rate: the library's default where it has one (PyTorch's), and 0.01
    /// for plain and momentum SGD, which have none.
    var defaultLearningRate: Float {
        switch self {
        case .sgd, .momentum, .nesterov: 0.01
        case .adagrad, .rmsprop: 0.01
        case .adadelta: 1
        case .adam, .amsgrad, .adamw, .swats: 1e-3
        case .nadam: 2e-3
        }
    }

    /// Makes the optimizer over `parameters` at `learningRate` (default: `defaultLearningRate`).
    func make(_ parameters: [Parameter], learningRate: Float? = nil, weightDecay: Float = 0) -> any Optimizer {
        let rate = learningRate ?? defaultLearningRate
        switch self {
        case .sgd: return SGD(parameters, learningRate: rate, weightDecay: weightDecay)
        case .momentum: return SGD(parameters, learningRate: rate, momentum: 0.9, weightDecay: weightDecay)
        case .nesterov: return SGD(parameters, learningRate: rate, momentum: 0.9, nesterov: true, weightDecay: weightDecay)
        case .adagrad: return AdaGrad(parameters, learningRate: rate, weightDecay: weightDecay)
        case .rmsprop: return RMSProp(parameters, learningRate: rate, weightDecay: weightDecay)
        case .adadelta: return Adadelta(parameters, learningRate: rate, weightDecay: weightDecay)
        case .adam: return Adam(parameters, learningRate: rate, weightDecay: weightDecay)
        case .amsgrad: return AMSGrad(parameters, learningRate: rate, weightDecay: weightDecay)
        case .nadam: return Nadam(parameters, learningRate: rate, weightDecay: weightDecay)
        case .adamw: return AdamW(parameters, learningRate: rate, weightDecay: weightDecay == 0 ? 0.01 : weightDecay)
        case .swats: return SWATS(parameters, learningRate: rate, weightDecay: weightDecay)
        }
    }
}

/// Learning-rate schedules, by command-line name; each is built for a run's total step count.
enum ScheduleKind: String, CaseIterable, ExpressibleByArgument {
    case constant, step, exponential, cosine, warmupCosine = "warmup-cosine", sgdr, onecycle, cyclic

    var displayName: String {
        switch self {
        case .constant: "constant"
        case .step: "step decay"
        case .exponential: "exponential"
        case .cosine: "cosine"
        case .warmupCosine: "warm-up + cosine"
        case .sgdr: "SGDR"
        case .onecycle: "one-cycle"
        case .cyclic: "cyclic"
        }
    }

    /// The fewest optimizer steps the schedule can be laid over: one-cycle needs a warm-up and an
    /// annealing phase of at least one step each (30% of the steps warm up), the others one step.
    var minimumSteps: Int { self == .onecycle ? 4 : 1 }

    /// The schedule with peak rate `rate` over `totalSteps` steps of `stepsPerEpoch` each; throws a
    /// `RunError` when the run has fewer steps than `minimumSteps`.
    func make(rate: Float, totalSteps: Int, stepsPerEpoch: Int) throws -> any LearningRateSchedule {
        guard totalSteps >= minimumSteps else {
            throw RunError(
                "the \(displayName) schedule needs at least \(minimumSteps) optimizer step\(minimumSteps == 1 ? "" : "s"), "
                    + "but this run has \(totalSteps); use a smaller --batch-size, more --epochs or more training images")
        }
        switch self {
        case .constant:
            return ConstantLearningRate(rate)
        case .step:
            // ×0.1 at one half and at three quarters of training (in steps, so that short runs decay too):
            // the classic multi-step decay.
            return MultiStepDecay(initialRate: rate, factor: 0.1, milestones: [max(1, totalSteps / 2), max(2, totalSteps * 3 / 4)])
        case .exponential:
            // Decays to 1% of the initial rate by the end.
            return ExponentialDecay(initialRate: rate, factor: pow(0.01, 1 / Double(max(totalSteps, 1))))
        case .cosine:
            return CosineAnnealing(initialRate: rate, totalSteps: totalSteps)
        case .warmupCosine:
            let warmup = min(stepsPerEpoch, totalSteps / 5)
            return CosineAnnealing(initialRate: rate, totalSteps: totalSteps - warmup).withWarmup(steps: warmup)
        case .sgdr:
            // Periods of T, 2T and 4T steps with 7T = the whole run: two restarts, the last cycle ending with training.
            return CosineAnnealingWarmRestarts(initialRate: rate, firstPeriod: max(1, totalSteps / 7), periodMultiplier: 2)
        case .onecycle:
            return OneCycle(maximumRate: rate, totalSteps: totalSteps)
        case .cyclic:
            return CyclicLearningRate(minimumRate: rate / 10, maximumRate: rate, halfCycle: max(1, stepsPerEpoch / 2))
        }
    }
}

/// Parses a comma-separated list of names into `Kind`s, throwing a validation error that lists the valid names.
func parseList<Kind: RawRepresentable & CaseIterable>(_ text: String, option: String) throws -> [Kind] where Kind.RawValue == String {
    try text.split(separator: ",").map { name in
        let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let kind = Kind(rawValue: trimmed) else {
            throw ValidationError("\(option): unknown name '\(trimmed)' (known: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return kind
    }
}
