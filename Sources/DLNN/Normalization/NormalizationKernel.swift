/// The computation shared by BatchNorm, LayerNorm, InstanceNorm and GroupNorm: standardize each
/// statistics group of a `NormalizationLayout`, then scale and shift per channel.
///
/// Forward, for group q with m values and the element's channel c:
///
///     μ_q = (1/m) Σ x            σ²_q = (1/m) Σ (x − μ_q)²        (biased, accumulated in Double)
///     x̂ = (x − μ_q) / √(σ²_q + ε)      y = γ_c·x̂ + β_c             (γ = 1, β = 0 without affine)
///
/// Backward with batch statistics (μ and σ² depend on x), with g = ∂L/∂y and d = g·γ_c:
///
///     ∂L/∂x = (1/√(σ²_q + ε))·(d − mean_q(d) − x̂·mean_q(d·x̂))
///     ∂L/∂γ_c = Σ g·x̂       ∂L/∂β_c = Σ g                         (sums over every element of channel c)
///
/// With fixed (running) statistics the two means vanish: ∂L/∂x = d / √(σ²_c + ε).
///
/// With a `statisticsReduction` (synchronized batch normalization), a forward pass that learns
/// statistics takes the group sums Σx, Σ(x − μ)² and the counts m over all replicas, and the
/// backward pass the sums Σd and Σd·x̂: every replica normalizes with the statistics of the global
/// batch, and the gradients are those of the global batch.
///
/// A kernel whose γ and β are both frozen (`isTrainable == false`) is being fine-tuned around:
/// it leaves their gradients alone and, with running statistics, normalizes with them and keeps
/// them fixed even in training mode, as PyTorch users get by putting a frozen `BatchNorm` in `eval()`.
///
/// The kernel keeps the input and the per-group μ and 1/√(σ² + ε) of the last forward pass
/// (x̂ is recomputed in backward instead of stored), and reuses its output and gradient tensors.
final class NormalizationKernel {
    /// ε, added to the variance before the square root.
    let epsilon: Float
    /// γ (`weight`), nil without the affine step.
    let weight: Parameter?
    /// β (`bias`), nil without the affine step.
    let bias: Parameter?
    /// Per-channel running statistics, nil when the layer does not track them.
    let running: RunningStatistics?
    /// Sums the statistics across replicas in training, when set (synchronized batch normalization).
    var statisticsReduction: (any ReplicaReduction)?

    /// The layout of the last forward pass; nil before the first.
    private(set) var layout: NormalizationLayout?
    private var usedBatchStatistics = false
    /// Whether the last forward pass summed its statistics across replicas.
    private var reducedStatistics = false
    /// m, the values each group's statistics were taken over in the last forward pass (over all replicas when reduced).
    private var statisticsCount = 0.0
    private(set) var input = Tensor.zeros([0])
    private var output = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])
    /// μ, biased σ² and 1/√(σ² + ε) of each statistics group of the last forward pass.
    private var mean = ScratchBuffer<Float>()
    private var variance = ScratchBuffer<Float>()
    private var inverseStandardDeviation = ScratchBuffer<Float>()
    /// Σ g and Σ g·x̂ per channel, accumulated by backward in Double.
    private var gradientSum = ScratchBuffer<Double>()
    private var gradientNormalizedSum = ScratchBuffer<Double>()
    /// Per-group sums (and the count) of the pass under way, in Double: what a reduction sums.
    private var groupSums = ScratchBuffer<Double>()

    /// A kernel whose affine step has γ and β of `affineShape` (nil for none); the scalars of
    /// that shape, in order, are the channels of the layout.
    init(epsilon: Float, affineShape: TensorShape?, running: RunningStatistics?) {
        self.epsilon = epsilon
        weight = affineShape.map { Parameter(name: "weight", value: .ones($0)) }
        bias = affineShape.map { Parameter(name: "bias", value: .zeros($0)) }
        self.running = running
    }

    /// γ and β, in that order, or none without the affine step.
    var parameters: [Parameter] { [weight, bias].compactMap { $0 } }

    /// Whether γ and β exist and are both frozen; a kernel without them cannot be frozen.
    var isFrozen: Bool {
        guard let weight, let bias else { return false }
        return !weight.isTrainable && !bias.isTrainable
    }

    /// Whether a forward pass in mode `isTraining` learns from its batch: normalizes with the
    /// batch's statistics and moves the running ones. True in training mode unless frozen.
    func learnsStatistics(isTraining: Bool) -> Bool { isTraining && !isFrozen }

    /// Whether a forward pass in mode `isTraining` normalizes with the input's own statistics:
    /// when it learns them, and always without running statistics.
    func usesBatchStatistics(isTraining: Bool) -> Bool { learnsStatistics(isTraining: isTraining) || running == nil }

    /// Normalizes `input` grouped by `layout`.
    ///
    /// Uses the statistics of `input` itself in training (unless frozen), or always when there
    /// are no running statistics; otherwise the running statistics (one per channel). In training
    /// (unless frozen), then updates the running statistics, so `layout` must then group values
    /// of a single channel.
    func forward(_ input: Tensor, layout batchLayout: NormalizationLayout, isTraining: Bool) -> Tensor {
        usedBatchStatistics = usesBatchStatistics(isTraining: isTraining)
        reducedStatistics = statisticsReduction != nil && learnsStatistics(isTraining: isTraining)
        let layout = usedBatchStatistics ? batchLayout : batchLayout.acrossBatch
        self.layout = layout
        self.input = input
        mean.resize(to: layout.groupCount, filling: 0)
        variance.resize(to: layout.groupCount, filling: 0)
        inverseStandardDeviation.resize(to: layout.groupCount, filling: 0)
        output.resize(to: input.shape)
        guard input.count > 0 else { return output }
        if usedBatchStatistics {
            computeStatistics(of: input, layout: layout)
        } else if let running {
            loadStatistics(running)
        }
        normalize(input, layout: layout)
        if learnsStatistics(isTraining: isTraining), let running {
            running.update(groupMean: mean.base, groupVariance: variance.base, valuesPerGroup: statisticsCount, layout: layout)
        }
        return output
    }

    /// ∂L/∂input for ∂L/∂output `outputGradient` of the last forward pass; adds ∂L/∂γ and ∂L/∂β
    /// into the gradients of those that are trainable. `layerName` prefixes the message when the shapes differ.
    func backward(_ outputGradient: Tensor, layerName: @autoclosure () -> String) -> Tensor {
        require(
            layout != nil && outputGradient.shape == input.shape,
            "\(layerName()): output gradient \(describe(outputGradient.shape)) does not match the last input \(describe(input.shape))"
        )
        let layout = self.layout!
        inputGradient.resize(to: input.shape)
        guard input.count > 0 else { return inputGradient }
        gradientSum.resize(to: layout.channels, filling: 0)
        gradientNormalizedSum.resize(to: layout.channels, filling: 0)
        gradientSum.fill(with: 0)
        gradientNormalizedSum.fill(with: 0)
        let mean = self.mean.base, inverseStandardDeviation = self.inverseStandardDeviation.base
        let gradientSum = self.gradientSum.base, gradientNormalizedSum = self.gradientNormalizedSum.base
        groupSums.resize(to: 2 * layout.groupCount, filling: 0)
        let groupSums = self.groupSums.base
        withAffine { gamma, _ in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { g in
                    // Pass 1: Σ d and Σ d·x̂ of each group; Σ g and Σ g·x̂ per channel.
                    for group in 0..<layout.groupCount {
                        let mu = mean[group], r = inverseStandardDeviation[group]
                        var sumD = 0.0, sumDXHat = 0.0
                        layout.forEachPlane(ofGroup: group) { c, start, length in
                            var sumG = 0.0, sumGXHat = 0.0
                            for i in start..<(start + length) {
                                let gi = Double(g[i])
                                sumG += gi
                                sumGXHat += gi * Double((x[i] - mu) * r)
                            }
                            gradientSum[c] += sumG
                            gradientNormalizedSum[c] += sumGXHat
                            let gammaC = Double(gamma?[c] ?? 1)
                            sumD += gammaC * sumG
                            sumDXHat += gammaC * sumGXHat
                        }
                        groupSums[2 * group] = sumD
                        groupSums[2 * group + 1] = sumDXHat
                    }
                    if reducedStatistics, let statisticsReduction {
                        statisticsReduction.sum(UnsafeMutableBufferPointer(start: groupSums, count: 2 * layout.groupCount))
                    }
                    // Pass 2: ∂L/∂x = r·(d − mean(d) − x̂·mean(d·x̂)).
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        for group in 0..<layout.groupCount {
                            let mu = mean[group], r = inverseStandardDeviation[group]
                            let meanD = usedBatchStatistics ? Float(groupSums[2 * group] / statisticsCount) : 0
                            let meanDXHat = usedBatchStatistics ? Float(groupSums[2 * group + 1] / statisticsCount) : 0
                            layout.forEachPlane(ofGroup: group) { c, start, length in
                                let gammaC = gamma?[c] ?? 1
                                for i in start..<(start + length) {
                                    let xHat = (x[i] - mu) * r
                                    dx[i] = r * (gammaC * g[i] - meanD - xHat * meanDXHat)
                                }
                            }
                        }
                    }
                }
            }
        }
        accumulate(gradientNormalizedSum, into: weight)
        accumulate(gradientSum, into: bias)
        return inputGradient
    }

    /// Floating-point operations of a forward pass on `elements` values: 3 per value for
    /// (x − μ)·scale + shift, plus 4 when the statistics come from the input (1 for the mean,
    /// 3 for the squared deviations).
    static func forwardFLOPs(elements: Int, batchStatistics: Bool) -> Int {
        elements * (batchStatistics ? 7 : 3)
    }

    // MARK: - Steps

    /// μ and biased σ² of every group, by two passes in Double (no cancellation when |μ| ≫ σ),
    /// each pass's sums (with the count) summed across replicas when `reducedStatistics`.
    private func computeStatistics(of input: Tensor, layout: NormalizationLayout) {
        let groupCount = layout.groupCount
        groupSums.resize(to: groupCount + 1, filling: 0)
        let sums = UnsafeMutableBufferPointer(start: groupSums.base, count: groupCount + 1)
        let reduction = reducedStatistics ? statisticsReduction : nil
        input.withUnsafeBufferPointer { x in
            for group in 0..<groupCount {
                var sum = 0.0
                layout.forEachRun(ofGroup: group) { start, length in
                    for i in start..<(start + length) { sum += Double(x[i]) }
                }
                sums[group] = sum
            }
            sums[groupCount] = Double(layout.elementsPerGroup)
            reduction?.sum(sums)
            statisticsCount = sums[groupCount]
            for group in 0..<groupCount {
                let mu = sums[group] / statisticsCount
                mean.base[group] = Float(mu)
                var squares = 0.0
                layout.forEachRun(ofGroup: group) { start, length in
                    for i in start..<(start + length) {
                        let deviation = Double(x[i]) - mu
                        squares += deviation * deviation
                    }
                }
                sums[group] = squares
            }
            reduction?.sum(UnsafeMutableBufferPointer(rebasing: sums[0..<groupCount]))
            for group in 0..<groupCount {
                setStatistics(group: group, mean: Double(mean.base[group]), variance: sums[group] / statisticsCount)
            }
        }
    }

    /// Takes the running statistics as the statistics of the per-channel groups.
    private func loadStatistics(_ running: RunningStatistics) {
        running.mean.value.withUnsafeBufferPointer { runningMean in
            running.variance.value.withUnsafeBufferPointer { runningVariance in
                for c in runningMean.indices {
                    setStatistics(group: c, mean: Double(runningMean[c]), variance: Double(runningVariance[c]))
                }
            }
        }
    }

    private func setStatistics(group: Int, mean mu: Double, variance sigmaSquared: Double) {
        mean.base[group] = Float(mu)
        variance.base[group] = Float(sigmaSquared)
        inverseStandardDeviation.base[group] = Float(1 / (sigmaSquared + Double(epsilon)).squareRoot())
    }

    /// y = (x − μ)·(γ_c/√(σ² + ε)) + β_c.
    private func normalize(_ input: Tensor, layout: NormalizationLayout) {
        let mean = self.mean.base, inverseStandardDeviation = self.inverseStandardDeviation.base
        withAffine { gamma, beta in
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in
                    for group in 0..<layout.groupCount {
                        let mu = mean[group], r = inverseStandardDeviation[group]
                        layout.forEachPlane(ofGroup: group) { c, start, length in
                            let scale = (gamma?[c] ?? 1) * r, shift = beta?[c] ?? 0
                            for i in start..<(start + length) { y[i] = (x[i] - mu) * scale + shift }
                        }
                    }
                }
            }
        }
    }

    /// Calls `body` with γ's and β's storage, or nil for both without the affine step.
    private func withAffine<R>(_ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) -> R) -> R {
        guard let weight, let bias else { return body(nil, nil) }
        return weight.value.withUnsafeBufferPointer { gamma in
            bias.value.withUnsafeBufferPointer { beta in body(gamma.baseAddress, beta.baseAddress) }
        }
    }

    /// Adds per-channel `sums` into `parameter`'s gradient, if there is a trainable parameter.
    private func accumulate(_ sums: UnsafeMutablePointer<Double>, into parameter: Parameter?) {
        guard let parameter, parameter.isTrainable else { return }
        parameter.withUnsafeMutableGradient { gradient in
            for c in gradient.indices { gradient[c] += Float(sums[c]) }
        }
    }
}
