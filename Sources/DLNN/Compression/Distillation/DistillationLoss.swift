import Foundation

/// Knowledge distillation (Hinton, Vinyals & Dean 2015): the student matches the teacher's
/// probabilities softened at temperature T, and the true labels.
///
///     qₙ = softmax(zₙ / T) (student),  pₙ = softmax(vₙ / T) (teacher),  rₙ = softmax(zₙ)
///     L = (1/N)·Σₙ [ α·T²·KL(pₙ ‖ qₙ) + (1 − α)·(−log rₙ,yₙ) ]
///     ∂L/∂zₙ = (1/N)·[ α·T·(qₙ − pₙ) + (1 − α)·(rₙ − onehot(yₙ)) ]
///
/// The T² keeps the soft term's gradient (which scales as 1/T², §2 of the paper) comparable to
/// the hard term's as T changes. KL differs from the soft cross-entropy by the teacher's entropy,
/// a constant: same gradient, and a value that reaches 0 when the student matches.
///
/// With the `Trainer`, the loss holds the teacher: put `inputTap` in front of the student
/// (`Sequential([loss.inputTap, student])`); it passes the batch through unchanged and keeps it, and
/// `loss(_:labels:)` runs the teacher (in evaluation mode, never trained) on that same batch, so
/// the teacher sees exactly the student's inputs, augmentation included.
public final class DistillationLoss: ClassificationLoss {
    /// The trained teacher; nil for a loss used only through `loss(student:teacher:labels:)`.
    public let teacher: (any Layer)?
    /// T ≥ 1 in the paper (20 for its MNIST student); any positive value works.
    public let temperature: Float
    /// α, the weight of the soft term, in [0, 1].
    public let softWeight: Float
    /// The identity layer that hands the student's input batch to the teacher.
    public let inputTap = DistillationInputTap()
    private var gradient = Tensor.zeros([0])
    private var workspace = [Float]()

    /// A loss with teacher `teacher`, temperature T and soft-target weight α.
    public init(teacher: (any Layer)?, temperature: Float, softWeight: Float) {
        require(temperature > 0 && temperature.isFinite, "DistillationLoss: temperature \(temperature) must be positive")
        require((0...1).contains(softWeight), "DistillationLoss: soft weight \(softWeight) must be in [0, 1]")
        self.teacher = teacher
        self.temperature = temperature
        self.softWeight = softWeight
        teacher?.setTraining(false)
    }

    /// L and ∂L/∂z for the student's logits on the batch `inputTap` last passed, the teacher's
    /// logits computed on that batch.
    public func loss(_ logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor) {
        guard let teacher else { preconditionFailure("DistillationLoss: created without a teacher; call loss(student:teacher:labels:)") }
        let input = inputTap.lastInput
        require(input != nil, "DistillationLoss: no input batch; put loss.inputTap in front of the student")
        let teacherLogits = teacher.forward(input!)
        return loss(student: logits, teacher: teacherLogits, labels: labels)
    }

    /// L and ∂L/∂z for student logits z [N, C], teacher logits v [N, C] and N labels.
    public func loss(student logits: Tensor, teacher teacherLogits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor) {
        let (samples, classes) = checkedBatch(logits, labels: labels, loss: "DistillationLoss")
        require(teacherLogits.shape == logits.shape, "DistillationLoss: teacher logits \(describe(teacherLogits.shape)) for student logits \(describe(logits.shape))")
        let (t, alpha) = (temperature, softWeight)
        gradient.resize(to: logits.shape)
        if workspace.count < 4 * classes { workspace = [Float](repeating: 0, count: 4 * classes) }
        var total = 0.0
        logits.withUnsafeBufferPointer { z in
            teacherLogits.withUnsafeBufferPointer { v in
                gradient.withUnsafeMutableBufferPointer { dz in
                    workspace.withUnsafeMutableBufferPointer { work in
                        // work: [v/T, then z/T | p (teacher, soft) | q (student, soft) | log p]
                        let scaled = work.baseAddress!, p = scaled + classes, q = p + classes, logP = q + classes
                        for n in 0..<samples {
                            let zn = z.baseAddress! + n * classes, vn = v.baseAddress! + n * classes, r = dz.baseAddress! + n * classes
                            for j in 0..<classes { scaled[j] = vn[j] / t }
                            let (teacherMax, teacherSum) = softmaxRow(scaled, into: p, count: classes)
                            for j in 0..<classes { logP[j] = (scaled[j] - teacherMax) - log(teacherSum) }
                            for j in 0..<classes { scaled[j] = zn[j] / t }
                            let (studentMax, studentSum) = softmaxRow(scaled, into: q, count: classes)
                            var kl = 0.0
                            for j in 0..<classes where p[j] > 0 {
                                let logQ = (scaled[j] - studentMax) - log(studentSum)
                                kl += Double(p[j]) * Double(logP[j] - logQ)
                            }
                            let (hardMax, hardSum) = softmaxRow(zn, into: r, count: classes)
                            let crossEntropy = Double(log(hardSum) - (zn[labels[n]] - hardMax))
                            total += Double(alpha * t * t) * kl + Double(1 - alpha) * crossEntropy
                            for j in 0..<classes {
                                let hard = r[j] - (j == labels[n] ? 1 : 0)
                                r[j] = alpha * t * (q[j] - p[j]) + (1 - alpha) * hard
                            }
                        }
                    }
                }
            }
        }
        gradient.scale(by: 1 / Float(samples))
        return (Float(total / Double(samples)), gradient)
    }
}

/// The identity layer in front of a student that keeps its input batch for `DistillationLoss`.
public final class DistillationInputTap: Layer {
    /// The batch of the last forward pass.
    public private(set) var lastInput: Tensor?
    public var isTraining = true

    public var summaryName: String { "DistillationInputTap" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        lastInput = input
        return input
    }

    public func backward(_ outputGradient: Tensor) -> Tensor { outputGradient }
}
