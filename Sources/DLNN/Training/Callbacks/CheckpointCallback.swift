import Foundation

/// Writes the checkpoints `best` (when `Trainer.best` changed in this epoch) and `last` into
/// `directory` at the end of every epoch; see `Trainer.saveCheckpoint(to:name:)`.
///
/// `best` is written first: killed between the two, a resume from the previous `last` redoes
/// this epoch and both. The trainer installs one when `configuration.checkpointDirectory` is set.
public final class CheckpointCallback: TrainingCallback {
    /// Where the checkpoints go.
    public let directory: URL
    public init(directory: URL) {
        self.directory = directory
    }

    public func endOfEpoch(_ context: TrainingContext, record: TrainingHistory.Epoch) throws {
        let trainer = context.trainer
        if trainer.best?.epoch == record.epoch { try trainer.saveCheckpoint(to: directory, name: "best") }
        try trainer.saveCheckpoint(to: directory, name: "last")
    }
}
