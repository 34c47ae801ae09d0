/// Element-wise sums across the replicas of a data-parallel job — the processes that each train a
/// copy of the model on their own shard of the data. DLNN never communicates itself: a
/// `TrainingConfiguration.replicaReduction` (which combines the shards' validation results) and a
/// `BatchNorm.statisticsReduction` (which synchronizes batch statistics) are set by a communication
/// library, such as DLDistributed's MPI `Communicator`.
///
/// Every replica calls `sum` at the same points with buffers of the same length; after the call,
/// every replica's buffer holds the sums over all replicas.
public protocol ReplicaReduction: AnyObject {
    /// Replaces every element of `values` by its sum over the replicas, in place.
    func sum(_ values: UnsafeMutableBufferPointer<Double>)
}

extension Evaluation {
    /// This replica's evaluation combined with those of the other replicas (each evaluated on its
    /// own shard): losses and accuracies weighted by sample counts, confusion matrices and counts added.
    public func combined(across reduction: any ReplicaReduction) -> Evaluation {
        let classCount = confusion.classCount
        var totals = [loss * Double(sampleCount), accuracy * Double(sampleCount), topFiveAccuracy * Double(sampleCount), Double(sampleCount)]
        totals += confusion.counts.joined().map(Double.init)
        totals.withUnsafeMutableBufferPointer { reduction.sum($0) }
        let count = totals[3]
        let counts = (0..<classCount).map { actual in
            (0..<classCount).map { predicted in Int(totals[4 + actual * classCount + predicted].rounded()) }
        }
        return Evaluation(
            loss: totals[0] / count, accuracy: totals[1] / count, topFiveAccuracy: totals[2] / count,
            confusion: ConfusionMatrix(counts: counts), sampleCount: Int(count.rounded()))
    }
}
