/// The machinery every optimizer of this library shares; a subclass supplies only its update rule.
///
/// It packs its parameters into one ``ParameterBuffer`` (group order), skips frozen parameters,
/// computes each group's rate η·`learningRateScale`, folds coupled weight decay into the gradient
/// the rule sees (g ← g + λ·θ), keeps per-parameter state and saves and restores it.
///
/// State is created the first time a parameter is updated: its update count t (Adam's bias
/// corrections use it, so a parameter unfrozen late starts its corrections at t = 1, as in
/// PyTorch) and zero-initialized *slots*, tensors of the parameter's shape named like
/// PyTorch's (`exp_avg`, `momentum_buffer`). Slot k of every parameter lives in one array laid out
/// like the parameter buffer, so consecutive trainable parameters of one group with the same t are
/// updated by **one call of the rule over their joined range**: a whole model in one pass over
/// contiguous memory, allocating nothing after the first step. The result is bit for bit that of
/// one call per parameter (the rules are element-wise); rules that keep per-parameter sums or
/// scalars (Nadam, SWATS) set `updatesRunsOfParameters` to false and get one call per parameter.
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

    /// The buffer holding every parameter of the groups, in group order: what a gradient allreduce sends.
    public private(set) var parameterBuffer: ParameterBuffer

    /// The names of the per-parameter tensors, in the order of the slots passed to the rule.
    let slotNames: [String]
    /// Whether `weightDecay` is applied by the rule itself (AdamW) instead of folded into the gradient.
    let appliesDecoupledWeightDecay: Bool
    /// Whether one call of the rule may update several parameters (false for rules with per-parameter state beyond slots).
    var updatesRunsOfParameters: Bool { true }
    /// Every parameter in group order; a parameter's position here is its index in state keys.
    private let parameters: [Parameter]
    private let groupIndexOfParameter: [Int]
    /// Where each parameter starts in the buffer and in each slot; `parameters.count + 1` entries.
    private let offsets: [Int]
    /// t of each parameter: its number of updates, 0 before the first (no state yet).
    private var updateCounts: [Int]
    /// Slot k of parameter i at `k·total + offsets[i]`: `[slotNames.count × total]`.
    private var slots: Tensor

    init(
        groups: [ParameterGroup], learningRate: Float, slotNames: [String],
        appliesDecoupledWeightDecay: Bool = false
    ) {
        self.learningRate = learningRate
        self.parameterGroups = groups
        let parameters = groups.flatMap(\.parameters)
        let name = String(describing: Self.self)
        require(learningRate >= 0, "\(name): learning rate \(learningRate) must be non-negative")
        require(
            !parameters.isEmpty,
            "\(name): no parameters to optimize; pass model.allParameters (a container's `parameters` are its own, usually none)")
        require(
            Set(parameters.map(ObjectIdentifier.init)).count == parameters.count,
            "\(name): a parameter appears twice in the parameter groups"
        )
        self.slotNames = slotNames
        self.appliesDecoupledWeightDecay = appliesDecoupledWeightDecay
        self.parameters = parameters
        groupIndexOfParameter = groups.indices.flatMap { index in Array(repeating: index, count: groups[index].parameters.count) }
        var offsets = [0]
        for parameter in parameters { offsets.append(offsets.last! + parameter.count) }
        self.offsets = offsets
        updateCounts = Array(repeating: 0, count: parameters.count)
        slots = Tensor.zeros([slotNames.count * offsets.last!])
        parameterBuffer = ParameterBuffer.pack(parameters)
    }

    /// The type's name, for messages.
    var optimizerName: String { String(describing: type(of: self)) }

    public func step() {
        stepCount += 1
        // Another optimizer may have packed some of these parameters since; bring them back.
        if ParameterBuffer.filledBuffer(of: parameters) !== parameterBuffer { parameterBuffer = ParameterBuffer.pack(parameters) }
        let total = offsets.last!
        parameterBuffer.gradients.withUnsafeBufferPointer { gradients in
            parameterBuffer.withUnsafeMutableValues { values in
                slots.withUnsafeMutableBufferPointer { slotElements in
                    var first = 0
                    while first < parameters.count {
                        guard parameters[first].isTrainable, parameters[first].count > 0 else {
                            first += 1
                            continue
                        }
                        let end = endOfRun(from: first)
                        for index in first..<end { updateCounts[index] += 1 }
                        let group = parameterGroups[groupIndexOfParameter[first]]
                        let (offset, count) = (offsets[first], offsets[end] - offsets[first])
                        let context = ParameterUpdate(
                            index: first, count: count, step: updateCounts[first],
                            learningRate: learningRate * group.learningRateScale, weightDecay: group.weightDecay
                        )
                        update(
                            values.baseAddress! + offset,
                            gradient: Gradient(
                                raw: gradients.baseAddress! + offset, count: count,
                                weightDecay: appliesDecoupledWeightDecay ? 0 : group.weightDecay),
                            slots: Slots(base: slotElements.baseAddress.map { $0 + offset }, stride: total),
                            context: context
                        )
                        first = end
                    }
                }
            }
        }
        didUpdateAllParameters()
    }

    /// The end of the run of parameters from `first` that one call of the rule updates: the next
    /// ones while they are trainable, non-empty, of the same group and at the same t.
    private func endOfRun(from first: Int) -> Int {
        var end = first + 1
        guard updatesRunsOfParameters else { return end }
        while end < parameters.count, parameters[end].isTrainable, parameters[end].count > 0,
            groupIndexOfParameter[end] == groupIndexOfParameter[first], updateCounts[end] == updateCounts[first] {
            end += 1
        }
        return end
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
        let total = offsets.last!
        for (index, parameter) in parameters.enumerated() where updateCounts[index] > 0 {
            result.scalars["\(index).step"] = Double(updateCounts[index])
            for (slot, name) in slotNames.enumerated() {
                let start = slot * total + offsets[index]
                result.tensors["\(index).\(name)"] = slots.slice(batch: start..<(start + parameter.count)).reshaped(parameter.shape)
            }
        }
        saveScalars(into: &result.scalars)
        return result
    }

    public func load(_ state: OptimizerState) throws(OptimizerStateError) {
        guard state.stepCount >= 0 else { throw .invalidScalar(key: "step_count", value: Double(state.stepCount)) }
        var restoredCounts = [Int](repeating: 0, count: parameters.count)
        var restoredSlots = Tensor.zeros(slots.shape)
        let total = offsets.last!
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
            for (slot, key) in slotKeys.enumerated() {
                guard let tensor = state.tensors[key] else { throw .missingTensor(key: key) }
                guard tensor.shape == parameter.shape else {
                    throw .shapeMismatch(key: key, expected: parameter.shape, found: tensor.shape)
                }
                knownTensors.insert(key)
                restoredSlots.withUnsafeMutableBufferPointer(entries: (slot * total + offsets[index])..<(slot * total + offsets[index + 1])) { destination in
                    tensor.withUnsafeBufferPointer { _ = destination.update(fromContentsOf: $0) }
                }
            }
            restoredCounts[index] = Int(step)
        }
        let hasState = restoredCounts.map { $0 > 0 }
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
        updateCounts = restoredCounts
        slots = restoredSlots
    }

    /// Which parameters have been updated, and so have state.
    var parametersWithState: [Bool] { updateCounts.map { $0 > 0 } }

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

/// The slots of the parameters a rule updates: slot k of element i at `base + k·stride + i`.
struct Slots {
    let base: UnsafeMutablePointer<Float>?
    let stride: Int

    @inline(__always)
    subscript(slot: Int) -> UnsafeMutablePointer<Float> { base! + slot * stride }
}

/// √x for x ≥ 0, as `x.squareRoot()`, in a form the compiler vectorizes.
///
/// On Linux `squareRoot()` is the C library's `sqrtf`, which sets `errno` for x < 0, so the
/// compiler keeps a call for that case and a loop using it stays scalar. √|x| cannot fail, so
/// it becomes `sqrtps`. The rules take roots of non-negative averages only, where |x| = x (NaN
/// stays NaN; −0 becomes +0, which the +ε after every root does not see).
@inline(__always)
func squareRoot(ofNonNegative x: Float) -> Float { x.magnitude.squareRoot() }
