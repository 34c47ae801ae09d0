import DLNN
import DLReport
import Foundation

/// Adam and AMSGrad on the online convex problem of Reddi, Kale and Kumar (2018) on which Adam
/// fails to converge (`OnlineConvexCounterexample`): η = 0.01, β = (0.9, 0.99), ε = 1e-8 for both.
struct CounterexampleExperiment {
    /// Steps run by default, as in the paper's figure.
    static let defaultSteps = 1_000_000
    /// The shared hyper-parameters.
    static let learningRate: Float = 0.01
    static let betas = (0.9, 0.99)
    static let epsilon: Float = 1e-8

    var steps: Int
    /// (name, run) for Adam, then AMSGrad.
    var runs: [(name: String, run: OnlineConvexCounterexample.Run)]
    var totalSeconds: Double

    /// Runs both optimizers for `steps` steps from x = 0, keeping about 1000 points of each trajectory.
    init(steps: Int = defaultSteps) {
        let start = Date()
        let interval = max(1, steps / 1000)
        let adam = OnlineConvexCounterexample.run(steps: steps, sampleInterval: interval) {
            Adam($0, learningRate: Self.learningRate, betas: Self.betas, epsilon: Self.epsilon)
        }
        let amsgrad = OnlineConvexCounterexample.run(steps: steps, sampleInterval: interval) {
            AMSGrad($0, learningRate: Self.learningRate, betas: Self.betas, epsilon: Self.epsilon)
        }
        self.steps = steps
        self.runs = [("Adam", adam), ("AMSGrad", amsgrad)]
        self.totalSeconds = Date().timeIntervalSince(start)
    }

    /// Final x (the optimum is −1) and average regret of each optimizer; the best marked.
    var table: Table {
        var table = Table(headers: ["optimizer", "final x", "distance to optimum", "average regret"])
        for (name, run) in runs {
            table.append([
                .text(name), Cell(run.finalX, format: .fixed(4)), .number(Double(run.finalX) + 1, .fixed(4)),
                .number(run.averageRegret, .fixed(4)),
            ])
        }
        table.markBest(inColumn: "distance to optimum", .lowerIsBetter)
        table.markBest(inColumn: "average regret", .lowerIsBetter)
        return table
    }

    /// Where each method ended, in words computed from the runs.
    var summary: String {
        "After \(steps) steps of the Reddi et al. problem (optimum x = −1): "
            + runs.map { "\($0.name) ends at x = \(String(format: "%.4f", $0.run.finalX)) (\(place($0.run.finalX)))" }.joined(separator: ", ")
            + "."
    }

    /// The report: setting, table, finding, trajectory plot, machine.
    func report() -> Report {
        var report = Report(title: "dlbench optimizers --problem amsgrad", summary: summary)
        report.addSettings([
            ("problem", .text("fₜ(x) = 1010·x when t mod 101 = 1, −10·x otherwise, x ∈ [−1, 1] (projected); optimum x = −1")),
            ("steps", .integer(steps)),
            ("start", .text("x₀ = 0")),
            ("learning rate", Cell(Self.learningRate, format: .significant(3))),
            ("betas", .text("(\(Self.betas.0), \(Self.betas.1))")),
            ("epsilon", Cell(Self.epsilon, format: .scientific(0))),
            ("wall time", .text(String(format: "%.1f s", totalSeconds))),
        ])
        report.addTable(table, title: "Where each optimizer ends")
        report.addParagraph("Average regret is (1/T)·Σₜ (fₜ(xₜ) − fₜ(−1)); it tends to 0 only for a method that converges to the optimum.")
        report.addHeading("Findings")
        report.addParagraph(finding)
        let chart = LineChart(
            title: "x over time", x: .init("step"), y: .init("x"),
            series: runs.map { name, run in
                .init(name: name, x: run.trajectory.map { Double($0.step) }, y: run.trajectory.map { Double($0.x) })
            })
        report.addPlot(chart, fileName: "trajectory.svg", caption: "x after each step, sampled every \(max(1, steps / 1000)) steps.")
        report.addMachine(MachineInfo.current())
        return report
    }

    private var finding: String {
        guard runs.count == 2 else { return "" }
        let (adam, amsgrad) = (runs[0].run, runs[1].run)
        var text = "Adam ends at x = \(String(format: "%.4f", adam.finalX)) (\(place(adam.finalX))) with average regret \(String(format: "%.4f", adam.averageRegret)); "
            + "AMSGrad at x = \(String(format: "%.4f", amsgrad.finalX)) (\(place(amsgrad.finalX))) with \(String(format: "%.4f", amsgrad.averageRegret)). "
        if adam.finalX > amsgrad.finalX && adam.averageRegret > amsgrad.averageRegret {
            text += "As the paper predicts, Adam's second moment forgets the rare large gradient, so its steps on the frequent small ones win and it drifts away from the optimum; "
                + "AMSGrad's running maximum remembers it and moves toward −1."
        } else {
            text += "Adam did not do worse than AMSGrad here" + (steps < Self.defaultSteps ? " (\(steps) steps may be too few; the default is \(Self.defaultSteps))." : ".")
        }
        return text
    }

    /// Where a final x lies relative to the optimum −1 and the worst point +1.
    private func place(_ x: Float) -> String {
        switch x {
        case ..<(-0.99): "the optimum"
        case ..<(-0.9): "near the optimum"
        case 0.99...: "the worst point"
        case 0.9...: "near the worst point"
        default: "in between"
        }
    }
}
