import DLNN
import Foundation

/// Data-parallel training on MPI: every rank holds the whole model and trains on its own shard of
/// each epoch; the only communication of a step is one allreduce of the gradients.
///
///     // mpirun -np 2 ./train
///     let world = try Communicator.world()
///     let trainer = Trainer(model: model, loss: SoftmaxCrossEntropy(), optimizer: optimizer,
///                           configuration: TrainingConfiguration(epochs: 3, batchSize: 32))  // per rank
///     let parallel = DataParallel(communicator: world)
///     parallel.attach(to: trainer)
///     world.abortingOnError { try trainer.fit(training: train, validation: validation, normalization: norm) }
///     world.finalize()
///
/// ``attach(to:)`` sets the trainer up so that N ranks at batch B train as one process at batch
/// N·B would (the same weights up to float rounding, without BatchNorm or with synchronized BatchNorm):
///
/// - at the start of `fit`, rank 0's weights and buffers (BatchNorm's running statistics) are
///   broadcast, so the ranks start from the same model whatever their initialization or checkpoint;
/// - `configuration.shard` gives rank r the shard r of the size ranks (`DataShard`: the k-th
///   batches of all ranks together are the k-th batch of N·B of the unsharded, seeded order);
/// - after backward, the optimizer's whole contiguous gradient buffer (`ParameterBuffer`) is
///   averaged over the ranks in one in-place allreduce — the per-rank losses are means over B
///   samples, so the average is the gradient of the mean over the N·B;
/// - validation is sharded too and its results summed (`configuration.replicaReduction`): every
///   rank records the same validation loss and accuracy; the training loss and accuracy of an
///   epoch are those of the rank's own shard;
/// - checkpoints are written by rank 0 only;
/// - with `synchronizedBatchNorm`, every `BatchNorm` normalizes with the mean and variance of the
///   global batch (`BatchNorm.statisticsReduction`); by default each rank uses its own batch's.
///
/// Printing and reports are up to the caller: do them when `communicator.isRoot`. Wrap `fit` in
/// `Communicator.abortingOnError(_:)`, so that an error on one rank ends every rank instead of
/// leaving them waiting in the next allreduce.
public final class DataParallel: TrainingCallback {
    /// The ranks training together.
    public let communicator: Communicator
    /// Whether BatchNorm statistics are those of the global batch (true) or of each rank's (false).
    public let synchronizedBatchNorm: Bool
    /// Seconds spent in gradient allreduces so far (including waiting for the slowest rank).
    public private(set) var allreduceSeconds = 0.0
    /// The gradient allreduces so far: one per step.
    public private(set) var allreduceCount = 0

    public init(communicator: Communicator, synchronizedBatchNorm: Bool = false) {
        self.communicator = communicator
        self.synchronizedBatchNorm = synchronizedBatchNorm
    }

    /// Configures `trainer` for data-parallel training (shard, validation reduction, checkpoints on
    /// rank 0, BatchNorm synchronization) and appends this callback to its callbacks.
    public func attach(to trainer: Trainer) {
        trainer.configuration.shard = DataShard(index: communicator.rank, count: communicator.size)
        trainer.configuration.replicaReduction = communicator
        if !communicator.isRoot { trainer.configuration.checkpointDirectory = nil }
        for (_, module) in trainer.model.namedModules() {
            guard let batchNorm = module as? BatchNorm else { continue }
            batchNorm.statisticsReduction = synchronizedBatchNorm ? communicator : nil
        }
        trainer.callbacks.append(self)
    }

    /// Rank 0's values of every parameter and buffer on every rank: the optimizer's buffer in
    /// one broadcast, any parameter outside it (and every buffer) in one each.
    public func beginFit(_ context: TrainingContext) throws {
        let buffer = gradientBuffer(of: context.trainer)
        buffer.withUnsafeMutableValues { communicator.broadcast($0) }
        let model = context.trainer.model
        for (_, parameter) in model.namedParameters() + model.namedBuffers() where parameter.buffer !== buffer {
            parameter.withUnsafeMutableValue { communicator.broadcast($0) }
        }
    }

    /// Averages the gradients over the ranks, in place, in one allreduce of the whole buffer.
    public func afterBackward(_ context: TrainingContext) throws {
        let buffer = gradientBuffer(of: context.trainer)
        let start = DispatchTime.now()
        buffer.withUnsafeMutableGradients { communicator.allreduceAverage($0) }
        allreduceSeconds += Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        allreduceCount += 1
    }

    /// The contiguous buffer of the optimizer's parameters (packed when the optimizer was made).
    private func gradientBuffer(of trainer: Trainer) -> ParameterBuffer {
        ParameterBuffer.pack(trainer.optimizer.parameterGroups.flatMap(\.parameters))
    }
}
