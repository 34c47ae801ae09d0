/// The machinery every optimizer of this library shares; a subclass supplies only its update rule.
///
/// It walks the parameter groups, skips frozen parameters, computes each group's rate
/// η·`learningRateScale`, folds coupled weight decay into the gradient the rule sees
/// (g ← g + λ·θ), keeps per-parameter state and saves and restores it.
///
/// State is created the first time a parameter is updated: its update count t (Adam's bias
/// corrections use it, so a parameter unfrozen late starts its corrections at t = 1, as in
/// PyTorch) and zero-initialized *slots*, tensors of the parameter's shape named like
/// PyTorch's (`exp_avg`, `momentum_buffer`). A parameter's slots live in one contiguous block,
/// so each update is a single pass over contiguous memory and allocates nothing after the first step.
///
/// Only the library's optimizers subclass it (its initializer and the rule hook are internal).
public class ElementwiseOptimizer: Optimizer {
    public var learningRate: Float {
        didSet { require(learningRate >= 0, "\(optimizerName): learning rate \(learningRate) must be non-negative") }
    }

    public var parameterGroups: [ParameterGroup] {
        didSet {
            require(
                parameterGroups.map { $0.parameters.map(ObjectIdentifier.init) }
                    == oldValue.map { $0.parameters.map(ObjectIdentifier.init) },
                "\(optimizerName): a group's hyper-parameters can change, its parameters cannot"
            )
        }
    }

    public private(set) var stepCount = 0

    /// The names of the per-parameter tensors, in the order of the slots passed to the rule.
    let slotNames: [String]
    /// Whether `weightDecay` is applied by the rule itself (AdamW) instead of folded into the gradient.
    let appliesDecoupledWeightDecay: Bool
    /// Every parameter in group order; a parameter's position here is its index in state keys.
    private let parameters: [Parameter]
    private let groupIndexOfParameter: [Int]
    private var parameterStates: [ParameterState?]

    private struct ParameterState {
        /// The number of updates this parameter has had.
        var step: Int
        /// All slots, one after another: `[slotNames.count × parameter.count]`.
        var slots: Tensor
    }

    init(
        groups: [ParameterGroup], learningRate: Float, slotNames: [String],
        appliesDecoupledWeightDecay: Bool = false
    ) {
        self.learningRate = learningRate
        self.parameterGroups = groups
        self.slotNames = slotNames
        self.appliesDecoupledWeightDecay = appliesDecoupledWeightDecay
        parameters = groups.flatMap(\.parameters)
        groupIndexOfParameter = groups.indices.flatMap { index in Array(repeating: index, count: groups[index].parameters.count) }
        parameterStates = Array(repeating: nil, count: parameters.count)
        require(learningRate >= 0, "\(optimizerName): learning rate \(learningRate) must be non-negative")
        require(
            !parameters.isEmpty,
            "\(optimizerName): no parameters to optimize; pass model.allParameters (a container's `parameters` are its own, usually none)")
        require(
            Set(parameters.map(ObjectIdentifier.init)).count == parameters.count,
            "\(optimizerName): a parameter appears twice in the parameter groups"
        )
    }

    /// The type's name, for messages.
    var optimizerName: String { String(describing: type(of: self)) }

    public func step() {
        stepCount += 1
        for index in parameters.indices where parameters[index].isTrainable && parameters[index].count > 0 {
            let parameter = parameters[index]
            let group = parameterGroups[groupIndexOfParameter[index]]
            require(
                parameter.gradient.count == parameter.count,
                "\(optimizerName): parameter \(index) (\(parameter.name)) has shape \(describe(parameter.value.shape)) but its gradient has shape \(describe(parameter.gradient.shape))"
            )
            var state = parameterStates[index]
                ?? ParameterState(step: 0, slots: Tensor.zeros([slotNames.count * parameter.count]))
            // Leave `state` the only owner of its storage, so writing to it does not copy.
            parameterStates[index] = nil
            state.step += 1
            let context = ParameterUpdate(
                index: index, count: parameter.count, step: state.step,
                learningRate: learningRate * group.learningRateScale, weightDecay: group.weightDecay
            )
            let coupledDecay = appliesDecoupledWeightDecay ? 0 : group.weightDecay
            parameter.gradient.withUnsafeBufferPointer { gradient in
                parameter.value.withUnsafeMutableBufferPointer { value in
                    state.slots.withUnsafeMutableBufferPointer { slots in
                        update(
                            value.baseAddress!,
                            gradient: Gradient(raw: gradient.baseAddress!, count: context.count, weightDecay: coupledDecay),
                            slots: Slots(base: slots.baseAddress, count: context.count),
                            context: context
                        )
                    }
                }
            }
            parameterStates[index] = state
        }
        didUpdateAllParameters()
    }

    /// Applies the rule to one parameter: θ[0..<context.count] in place, from `gradient`, with `slots`.
    ///
    /// The rule loops with `gradient.forEach(updating: value) { i, gi in … }`.
    func update(_ value: UnsafeMutablePointer<Float>, gradient: Gradient, slots: Slots, context: ParameterUpdate) {
        fatalError("\(optimizerName) must override update(_:gradient:slots:context:)")
    }

    /// Called at the end of `step()`, after every parameter was updated (SWATS decides there whether to switch).
    func didUpdateAllParameters() {}

    // MARK: State

    public func state() -> OptimizerState {
        var result = OptimizerState(stepCount: stepCount, scalars: ["learning_rate": Double(learningRate)])
        for (index, state) in parameterStates.enumerated() {
            guard let state else { continue }
            let parameter = parameters[index]
            result.scalars["\(index).step"] = Double(state.step)
            for (slot, name) in slotNames.enumerated() {
                let range = (slot * parameter.count)..<((slot + 1) * parameter.count)
                result.tensors["\(index).\(name)"] = Tensor(
                    shape: parameter.value.shape, scalars: Array(state.slots.scalars[range])
                )
            }
        }
        saveScalars(into: &result.scalars)
        return result
    }

    public func load(_ state: OptimizerState) throws(OptimizerStateError) {
        guard state.stepCount >= 0 else { throw .invalidScalar(key: "step_count", value: Double(state.stepCount)) }
        var restored = [ParameterState?](repeating: nil, count: parameters.count)
        var knownTensors = Set<String>()
        var knownScalars: Set<String> = ["learning_rate"]
        guard let rate = state.scalars["learning_rate"] else { throw .missingScalar(key: "learning_rate") }
        guard rate >= 0, rate.isFinite else { throw .invalidScalar(key: "learning_rate", value: rate) }
        for (index, parameter) in parameters.enumerated() {
            let stepKey = "\(index).step"
            let slotKeys = slotNames.map { "\(index).\($0)" }
            guard let step = state.scalars[stepKey] else {
                if slotKeys.contains(where: { state.tensors[$0] != nil }) { throw .missingScalar(key: stepKey) }
                continue
            }
            guard step >= 1, step.rounded() == step, step <= Double(Int.max / 2) else {
                throw .invalidScalar(key: stepKey, value: step)
            }
            knownScalars.insert(stepKey)
            var slots = [Float]()
            slots.reserveCapacity(slotNames.count * parameter.count)
            for key in slotKeys {
                guard let tensor = state.tensors[key] else { throw .missingTensor(key: key) }
                guard tensor.shape == parameter.value.shape else {
                    throw .shapeMismatch(key: key, expected: parameter.value.shape, found: tensor.shape)
                }
                knownTensors.insert(key)
                slots += tensor.scalars
            }
            restored[index] = ParameterState(step: Int(step), slots: Tensor(slots))
        }
        let hasState = restored.map { $0 != nil }
        for key in scalarKeys(parametersWithState: hasState) {
            guard state.scalars[key] != nil else { throw .missingScalar(key: key) }
            knownScalars.insert(key)
        }
        if let key = state.tensors.keys.sorted().first(where: { !knownTensors.contains($0) }) {
            throw .unexpectedTensor(key: key)
        }
        if let key = state.scalars.keys.sorted().first(where: { !knownScalars.contains($0) }) {
            throw .unexpectedScalar(key: key)
        }
        try loadScalars(from: state.scalars, parametersWithState: hasState)
        stepCount = state.stepCount
        learningRate = Float(rate)
        parameterStates = restored
    }

    /// Which parameters have been updated, and so have state.
    var parametersWithState: [Bool] { parameterStates.map { $0 != nil } }

    /// Adds the scalars a subclass keeps beyond step counts and slots.
    func saveScalars(into scalars: inout [String: Double]) {}

    /// The keys of the scalars `saveScalars(into:)` writes when `parametersWithState[i]` tells
    /// which parameters have been updated; `load` requires exactly these.
    func scalarKeys(parametersWithState: [Bool]) -> [String] { [] }

    /// Restores the subclass's scalars, whose keys are known to be present; throws before changing anything.
    func loadScalars(from scalars: [String: Double], parametersWithState: [Bool]) throws(OptimizerStateError) {}
}

/// What a rule needs to know about the parameter it updates in this step.
struct ParameterUpdate {
    /// The parameter's index across all groups (its prefix in state keys).
    let index: Int
    /// The number of elements.
    let count: Int
    /// t: this parameter's update count, 1 on its first update.
    let step: Int
    /// The group's rate, η·`learningRateScale`.
    let learningRate: Float
    /// The group's λ; rules use it only when the decay is decoupled (AdamW).
    let weightDecay: Float
}

/// The gradient a rule sees: ∂loss/∂θ plus the coupled decay term λ·θ, computed as it is read
/// so that weight decay costs no extra pass over memory.
struct Gradient {
    let raw: UnsafePointer<Float>
    let count: Int
    let weightDecay: Float

    /// Calls `body(i, gᵢ)` for i in 0..<count, in order, with gᵢ = ∂loss/∂θᵢ + λ·θᵢ read before
    /// `body` writes θᵢ.
    ///
    /// Without decay the loop reads only the raw gradient (as in PyTorch, 0·θ is not added). Each
    /// case is one loop with `body` inlined. θ is read through the pointer the rule writes, so the
    /// compiler sees that θᵢ is read and written at the same index, checks at run time that the
    /// other arrays do not overlap, and vectorizes (through a second pointer to θ that check fails).
    @inline(__always)
    func forEach(updating theta: UnsafeMutablePointer<Float>, _ body: (_ i: Int, _ gi: Float) -> Void) {
        let raw = raw, weightDecay = weightDecay
        if weightDecay == 0 {
            for i in 0..<count { body(i, raw[i]) }
        } else {
            for i in 0..<count { body(i, raw[i] + weightDecay * theta[i]) }
        }
    }
}

/// A parameter's slots: slot k holds elements `k·count ..< (k+1)·count` of one block.
struct Slots {
    let base: UnsafeMutablePointer<Float>?
    let count: Int

    @inline(__always)
    subscript(slot: Int) -> UnsafeMutablePointer<Float> { base! + slot * count }
}

/// √x for x ≥ 0, as `x.squareRoot()`, in a form the compiler vectorizes.
///
/// On Linux `squareRoot()` is the C library's `sqrtf`, which sets `errno` for x < 0, so the
/// compiler keeps a call for that case and a loop using it stays scalar. √|x| cannot fail, so
/// it becomes `sqrtps`. The rules take roots of non-negative averages only, where |x| = x (NaN
/// stays NaN; −0 becomes +0, which the +ε after every root does not see).
@inline(__always)
func squareRoot(ofNonNegative x: Float) -> Float { x.magnitude.squareRoot() }
