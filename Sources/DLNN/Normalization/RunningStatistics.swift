/// Per-channel estimates of the mean and variance of a layer's input, for evaluation mode.
///
/// Each training step moves them towards the statistics of the batch:
///
///     running_mean ← momentum·running_mean + (1 − momentum)·μ_B
///     running_var  ← momentum·running_var  + (1 − momentum)·σ²_B · m / (m − 1)
///
/// where μ_B and σ²_B are the biased statistics used for normalizing, m is the number of values
/// each was taken over, and the factor m / (m − 1) makes the variance estimate unbiased. When a
/// channel has several statistics groups (InstanceNorm: one per sample), μ_B and σ²_B are their
/// averages over the batch. `momentum` here is the weight of the *old* estimate: 0.9 is
/// PyTorch's `momentum=0.1` (PyTorch weights the new batch by `momentum`).
///
/// Both tensors are buffers (`running_mean` initialised to 0, `running_var` to 1): saved in
/// checkpoints, never trained. PyTorch's `num_batches_tracked` is not kept; it only matters for
/// PyTorch's cumulative average (`momentum=None`), which is not offered.
struct RunningStatistics {
    /// `running_mean`, shape [C].
    let mean: Parameter
    /// `running_var`, shape [C].
    let variance: Parameter
    /// The weight of the old estimate in each update, in [0, 1].
    let momentum: Float

    init(channels: Int, momentum: Float) {
        mean = Parameter(name: "running_mean", value: .zeros([channels]), isTrainable: false)
        variance = Parameter(name: "running_var", value: .ones([channels]), isTrainable: false)
        self.momentum = momentum
    }

    /// Running mean and variance, in that order, as `Layer.buffers` lists them.
    var buffers: [Parameter] { [mean, variance] }

    /// Moves the estimates towards per-group statistics `groupMean` and biased `groupVariance`
    /// computed on `layout` over `m` values each (more than `layout.elementsPerGroup` when the
    /// statistics were summed across replicas), whose groups must each lie in one channel and hold more than one value.
    func update(groupMean: UnsafePointer<Float>, groupVariance: UnsafePointer<Float>, valuesPerGroup m: Double, layout: NormalizationLayout) {
        precondition(layout.groupsLieInOneChannel && layout.elementsPerGroup > 1, "RunningStatistics: groups span channels or hold one value")
        let groupsPerChannel = Double(layout.groupCount / layout.channels)
        let newWeight = Double(1 - momentum) / groupsPerChannel
        mean.withUnsafeMutableValue { runningMean in
            variance.withUnsafeMutableValue { runningVariance in
                for c in 0..<layout.channels {
                    runningMean[c] *= momentum
                    runningVariance[c] *= momentum
                }
                for group in 0..<layout.groupCount {
                    let c = layout.firstChannel(ofGroup: group)
                    runningMean[c] += Float(newWeight * Double(groupMean[group]))
                    runningVariance[c] += Float(newWeight * Double(groupVariance[group]) * m / (m - 1))
                }
            }
        }
    }
}
