/// The accuracies a comparison's report judges runs by, derived from the comparison's own runs on
/// its own data set, never from constants of one data set (95% means nothing on Fashion-MNIST):
///
///     reference = the best entry's mean final validation accuracy
///     learned   = chance + 0.9 · (reference − chance)    an entry "learned" when its mean final validation accuracy reaches it
///     target    = chance + 0.98 · (reference − chance)   "steps to target": the first epoch whose validation accuracy reaches it
///
/// with chance = 1 / classes. Validation accuracy alone sets and meets them: the test set is reported, never used to judge or tune.
struct Thresholds: Equatable {
    var chance: Double
    var reference: Double

    static let learnedFraction = 0.9, targetFraction = 0.98

    var learned: Double { chance + Self.learnedFraction * (reference - chance) }
    var target: Double { chance + Self.targetFraction * (reference - chance) }

    /// The thresholds for `classCount` classes whose best entry reached `reference` validation accuracy
    /// (chance itself when nothing finished).
    init(classCount: Int, reference: Double?) {
        chance = 1 / Double(max(classCount, 1))
        self.reference = max(reference ?? chance, chance)
    }

    /// How they were derived, for reports.
    var text: String {
        "learned: final validation accuracy ≥ \(percent(learned)) (90% of the way from chance, \(percent(chance)), to the best mean validation accuracy, \(percent(reference))); "
            + "target: validation accuracy \(percent(target)) (98% of that way)"
    }
}
