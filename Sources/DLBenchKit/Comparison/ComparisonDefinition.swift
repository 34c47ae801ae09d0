import DLReport

/// A comparison `dlbench` runs with the engine: named training specifications for a budget, and
/// what its report adds to the engine's tables, plots and findings. A new comparison is one file
/// that builds one of these, and one line in `ComparisonRegistry`.
struct ComparisonDefinition {
    /// The command-line name and the name of the output folder: `optimizers`.
    var name: String
    var title: String
    /// What the comparison asks, in a sentence, under the report's title.
    var question: String
    /// The heading of the table's first column: `optimizer`.
    var entryKind: String
    /// The budget of a default run (each comparison's default finishes within 10 minutes on 2 cores,
    /// release build) and of `--quick` (under a minute).
    var budget: Budget
    var quickBudget: Budget
    /// The entries trained with every seed, for a default run or (true) a `--quick` one.
    var entries: (_ quick: Bool) -> [ComparisonEntry]
    /// Whether the learning rate of every entry without one is chosen on the validation split
    /// (`LearningRateGrid`) before the seeds are trained.
    var tunesLearningRate = false
    /// The claims the comparison puts to the test, each a section "claim — setting — measured — verdict".
    var claims: [Claim] = []
    /// Sections added after the engine's (e.g. a learning-rate plot).
    var addSections: (ComparisonResult, inout Report) -> Void = { _, _ in }
}

/// A published or taught statement, tested on a comparison's measurements.
struct Claim {
    /// The claim as its source states it.
    var statement: String
    /// Who made it, e.g. "Wilson et al., 2017".
    var source: String
    /// The measured numbers and the verdict, judged from a result.
    var judge: (ComparisonResult) -> (measured: String, verdict: Verdict)
}

/// What a comparison's measurements say of a claim.
enum Verdict: String {
    case reproduced
    case notReproduced = "not reproduced"
    case inconclusive = "inconclusive at this budget"
}

extension Report {
    /// The section of a claim (`statement`, by `source`), tested in `setting`: "claim — setting — measured — verdict",
    /// the verdict followed by `reason` when there is one.
    mutating func addClaim(_ statement: String, source: String, setting: String, measured: String, verdict: Verdict, reason: String? = nil) {
        addHeading("Claim: \(statement)")
        addParagraph("""
            - **Claim:** \(statement) (\(source))
            - **Setting:** \(setting)
            - **Measured:** \(measured)
            - **Verdict:** \(verdict.rawValue)\(reason.map { " — \($0)" } ?? "")
            """)
    }
}
