import DLReport

/// A claim tested outside the comparison engine (`dlbench sequences`, `dlbench norms`): the claim,
/// the setting it was tested in, what was measured and the verdict, written as the engine's are.
struct ClaimSection {
    var statement: String
    var source: String
    var setting: String
    var measured: String
    var verdict: Verdict
    /// Why the verdict is what it is, with the numbers; nil when `measured` says it.
    var reason: String?

    func add(to report: inout Report) {
        report.addClaim(statement, source: source, setting: setting, measured: measured, verdict: verdict, reason: reason)
    }

    /// "claim: verdict", for summary lines.
    var summary: String { "\(statement): \(verdict.rawValue)" }
}
