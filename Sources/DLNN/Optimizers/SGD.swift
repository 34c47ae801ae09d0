/// Stochastic gradient descent, optionally with heavy-ball or Nesterov momentum.
///
/// With g the gradient (plus λ·θ when the group has weight decay λ), η the group's rate and
/// μ = `momentum`:
///
///     momentum == 0:   θ ← θ − η·g
///     heavy ball:      v ← μ·v + g;  θ ← θ − η·v
///     nesterov:        v ← μ·v + g;  θ ← θ − η·(g + μ·v)
///
/// v starts at 0 and is saved as `momentum_buffer`. Defaults: no momentum; μ = 0.9 is the
/// customary value. There is no default rate: it depends on the problem too much.
///
/// This is PyTorch's form of momentum. Substituting v′ = −η·v gives the other common form
/// (Sutskever et al. 2013), v′ ← μ·v′ − η·g; θ ← θ + v′, which takes the same steps while η is
/// constant. They differ when a schedule changes η: here the whole accumulated velocity is
/// scaled by the new η at once, there only new gradients see it and the old velocity keeps the
/// old rate. We keep PyTorch's form so the buffer does not depend on η, a schedule acts
/// immediately, and hyper-parameters and checkpoints carry over from PyTorch.
///
/// The Nesterov step is the look-ahead form used by PyTorch and Sutskever et al.: the update
/// applies the new velocity once more, g + μ·v, instead of evaluating the gradient at θ − η·μ·v.
public final class SGD: ElementwiseOptimizer {
    /// μ, the momentum coefficient in [0, 1).
    public let momentum: Float
    /// Whether momentum is Nesterov's instead of the heavy ball.
    public let isNesterov: Bool

    /// Creates an optimizer over one group of `parameters` with weight decay λ = `weightDecay`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float, momentum: Float = 0, nesterov: Bool = false,
        weightDecay: Float = 0
    ) {
        self.init(
            [ParameterGroup(parameters: parameters, weightDecay: weightDecay)],
            learningRate: learningRate, momentum: momentum, nesterov: nesterov
        )
    }

    /// Creates an optimizer over parameter groups, each with its own rate scale and weight decay.
    public init(_ groups: [ParameterGroup], learningRate: Float, momentum: Float = 0, nesterov: Bool = false) {
        require(momentum >= 0 && momentum < 1, "SGD: momentum \(momentum) must lie in [0, 1)")
        require(!nesterov || momentum > 0, "SGD: Nesterov momentum needs a momentum above 0")
        self.momentum = momentum
        isNesterov = nesterov
        super.init(groups: groups, learningRate: learningRate, slotNames: momentum > 0 ? ["momentum_buffer"] : [])
    }

    override func update(_ theta: UnsafeMutablePointer<Float>, gradient g: Gradient, slots: Slots, context: ParameterUpdate) {
        let eta = context.learningRate, mu = momentum
        guard mu > 0 else {
            g.forEach(updating: theta) { i, gi in theta[i] -= eta * gi }
            return
        }
        let v = slots[0]
        if isNesterov {
            g.forEach(updating: theta) { i, gi in
                v[i] = mu * v[i] + gi
                theta[i] -= eta * (gi + mu * v[i])
            }
        } else {
            g.forEach(updating: theta) { i, gi in
                v[i] = mu * v[i] + gi
                theta[i] -= eta * v[i]
            }
        }
    }
}
