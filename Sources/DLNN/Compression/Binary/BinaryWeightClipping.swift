/// BinaryConnect's clip of the shadow weights (Courbariaux et al. 2015, Algorithm 1): after
/// every optimizer step, each binary layer's real-valued weights are clamped to [−1, 1], where
/// the straight-through estimator still passes gradient; outside it a weight would grow without
/// changing its sign or the network.
public final class BinaryWeightClipping: TrainingCallback {
    private let weights: [Parameter]

    /// Clips the weights of every `WeightTransformed` layer with the `.binary` transform in `model`.
    public init(model: any Layer) {
        weights = model.namedModules().compactMap { node in
            guard let wrapper = node.module as? WeightTransformed, wrapper.transform == .binary else { return nil }
            return wrapper.parameters.first { $0.name == "weight" }
        }
    }

    /// Clamps the shadow weights to [−1, 1].
    public func clip() {
        for weight in weights {
            weight.withUnsafeMutableValue { w in
                for i in w.indices { w[i] = Swift.min(1, Swift.max(-1, w[i])) }
            }
        }
    }

    public func afterOptimizerStep(_ context: TrainingContext) { clip() }
}
