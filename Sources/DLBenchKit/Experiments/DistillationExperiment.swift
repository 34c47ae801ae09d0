import DLNN
import DLReport
import Foundation

/// Knowledge distillation on MNIST (Hinton, Vinyals & Dean 2015, §3): a large teacher with
/// dropout and input jitter, a small student trained alone on the labels, and the same student
/// trained on the teacher's soft targets at temperature T plus the labels.
///
/// `--full`: the paper's sizes (teacher 784-1200-1200-10, student 784-800-800-10, T = 20); by
/// default a smaller teacher (784-800-800-10) and a much smaller student (784-100-100-10, where the
/// soft targets have more to give), at the temperature of {2, 5, 20} whose distilled student of
/// the first seed scores best on the validation split: the paper found 20 good for students of 300
/// or more units per layer and 2.5–4 best for 30 (at T = 20 the 100-unit student lost a point
/// against training alone in 3 epochs).
func runDistillationExperiment(on data: DataSplits, options: CompressionMethodOptions, directory: URL) throws -> CompressionMethodReport {
    let inputSize = data.training.imageShape.elementCount
    let (teacherHidden, studentHidden) = options.full ? (1200, 800) : options.quick ? (128, 32) : (800, 100)
    let temperatures: [Float] = options.full || options.quick ? [20] : [2, 5, 20]
    let softWeight: Float = 0.9, learningRate: Float = 0.02
    let jitter = Augmentation(maxTranslation: 2)

    /// Flatten, dropout 0.2 on the input, then per hidden layer Dense, ReLU, dropout 0.5 (the paper's teacher).
    func teacher(seed: UInt64) -> Sequential {
        var generator = SeededGenerator(seed: seed)
        return Sequential(
            Flatten(), Dropout(probability: 0.2, seed: seed &+ 1),
            Dense(inputSize: inputSize, outputSize: teacherHidden, generator: &generator), ReLU(), Dropout(probability: 0.5, seed: seed &+ 2),
            Dense(inputSize: teacherHidden, outputSize: teacherHidden, generator: &generator), ReLU(), Dropout(probability: 0.5, seed: seed &+ 3),
            Dense(inputSize: teacherHidden, outputSize: 10, generator: &generator))
    }
    func student(seed: UInt64) -> Sequential { Models.mlp(sizes: [inputSize, studentHidden, studentHidden, 10], seed: seed) }
    func momentum(_ model: any Layer) -> SGD { SGD(model.allParameters, learningRate: learningRate, momentum: 0.9) }

    var accuracies: [[Double]] = [[], [], []]
    var latencies = [Latency](repeating: Latency(batchOne: 0, batchSixtyFour: 0), count: 3)
    var bytes = [0, 0, 0]
    var parameters = [0, 0, 0]
    var temperature = temperatures[0]
    var temperatureTrials: [(temperature: Float, validation: Double)] = []
    var chosenStudent: Sequential?
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (seedIndex, seed) in options.seeds.enumerated() {
        let big = teacher(seed: seed)
        try trainClassifier(big, data: data, epochs: options.teacherEpochs, optimizer: momentum(big), options: options, seed: seed, augmentation: jitter)
        let alone = student(seed: seed &+ 100)
        try trainClassifier(alone, data: data, epochs: options.epochs, optimizer: momentum(alone), options: options, seed: seed)
        /// The student trained on `big`'s soft targets at `temperature`.
        func distilledStudent(at temperature: Float) throws -> Sequential {
            let loss = DistillationLoss(teacher: big, temperature: temperature, softWeight: softWeight)
            let distilledStudent = student(seed: seed &+ 100)
            let distilled = Sequential(loss.inputTap, distilledStudent)
            try trainClassifier(distilled, data: data, epochs: options.epochs, optimizer: momentum(distilled), options: options, seed: seed, loss: loss)
            return distilledStudent
        }
        if seedIndex == 0 {
            // The first seed chooses the temperature on the validation split; the test split never chooses.
            var best: (accuracy: Double, student: Sequential)?
            for candidate in temperatures {
                let trial = try distilledStudent(at: candidate)
                let accuracy = temperatures.count > 1 ? validationAccuracy(trial, data: data) : 0
                temperatureTrials.append((candidate, accuracy))
                if best == nil || accuracy > best!.accuracy { (best, temperature) = ((accuracy, trial), candidate) }
            }
            chosenStudent = best!.student
        }
        let distilledStudent = seedIndex == 0 ? chosenStudent! : try distilledStudent(at: temperature)
        let models: [any Layer] = [big, alone, distilledStudent]
        for (index, model) in models.enumerated() {
            accuracies[index].append(testAccuracy(model, data: data))
            guard seedIndex == 0 else { continue }
            let file = directory.appendingPathComponent("distillation-\(["teacher", "student", "distilled-student"][index]).safetensors")
            try model.saveWeights(to: file)
            bytes[index] = try fileSize(file)
            parameters[index] = model.parameterCount
            latencies[index] = measureLatency(model, imageShape: data.training.imageShape, repeats: options.latencyRepeats)
        }
    }
    let teacherName = "teacher \(inputSize)-\(teacherHidden)-\(teacherHidden)-10", studentName = "student \(inputSize)-\(studentHidden)-\(studentHidden)-10"
    let names = ["\(teacherName), dropout + jitter", "\(studentName), labels only", "\(studentName), distilled (T = \(Int(temperature)), α = \(softWeight))"]
    let variants = names.indices.map { index in
        MeasuredVariant(model: "distillation", variant: names[index], parameters: parameters[index], bytesOnDisk: bytes[index],
                        latency: latencies[index], accuracies: accuracies[index])
    }
    let errors = accuracies.map { (1 - Summary($0).mean) * Double(data.test.count) }
    let (aloneSummary, distilledSummary) = (Summary(accuracies[1]), Summary(accuracies[2]))
    let gain = (distilledSummary.mean - aloneSummary.mean) * 100
    // Closing the gap to the teacher: the paper's student goes from 146 to 74 errors, the teacher makes 67.
    let closed = errors[1] > errors[0] ? (errors[1] - errors[2]) / (errors[1] - errors[0]) : .nan
    // The claim needs a teacher clearly better than the student alone (the paper's: 67 against 146 errors); with less than
    // half a point between them there is no gap to close, whatever distillation does.
    let teacherLead = (Summary(accuracies[0]).mean - aloneSummary.mean) * 100
    let verdict = teacherLead < 0.5
        ? "inconclusive at this budget (the teacher is \(String(format: "%.2f", teacherLead)) points ahead of the student alone, less than the half point a gap to close needs; `--full` trains the paper's networks longer)"
        : gain > 0 && closed >= 0.5 ? "met" : gain > 0 ? "partly met (the student gains, but closes less than half the gap)" : "NOT MET"
    var report = CompressionMethodReport(title: "knowledge distillation")
    report.settings = [
        ("teacher", .text("\(teacherName), dropout 0.2 on the input and 0.5 on the hidden layers, input jitter of up to 2 pixels")),
        ("student", .text("\(studentName), ReLU, no regularization")),
        ("loss", .text("α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − α)·CE(labels), T = \(temperature)\(temperatures.count > 1 ? " (chosen on the validation split among \(temperatures.map { "\(Int($0))" }.joined(separator: ", ")) with seed \(options.seeds[0]))" : ""), α = \(softWeight); the teacher's logits computed on each training batch")),
        ("training", .text("teacher \(options.teacherEpochs) epochs, each student \(options.epochs), momentum SGD (0.9), η = \(learningRate), batch \(options.batchSize)")),
        ("seeds", .text(options.seeds.map(String.init).joined(separator: ", "))),
    ]
    report.tables = [("Teacher, student alone and distilled student", variantTable(variants, testCount: data.test.count))]
    if temperatures.count > 1 {
        var trials = Table(headers: ["temperature T", "validation accuracy of the distilled student (seed \(options.seeds[0]))"])
        for trial in temperatureTrials { trials.append([.integer(Int(trial.temperature)), .number(trial.validation, .percent(2))]) }
        report.tables.append(("Distillation: the temperature chosen on validation", trials))
    }
    report.verdicts = [
        "distillation — claim (Hinton et al. 2015, MNIST): the distilled 784-800-800-10 student makes 74 test errors against 146 alone (the teacher 67), closing most of the gap — measured: \(String(format: "%.1f", errors[2])) errors distilled vs \(String(format: "%.1f", errors[1])) alone (teacher \(String(format: "%.1f", errors[0])), of \(data.test.count)); \(distilledSummary.percentText()) vs \(aloneSummary.percentText()) (\(String(format: "%+.2f", gain)) points), \(closed.isNaN ? "the teacher is not better than the student alone" : String(format: "%.0f%% of the gap closed", closed * 100)) — \(verdict).",
    ]
    report.notes = [
        "The paper trains each network to convergence; here the teacher gets \(options.teacherEpochs) epochs and each student \(options.epochs), so the teacher is far from its 67 errors and the comparison is of students under one short budget.",
    ]
    return report
}
