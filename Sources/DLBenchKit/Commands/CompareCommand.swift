import ArgumentParser

/// `dlbench compare <name>`: any comparison of `ComparisonRegistry` at its defaults.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run one comparison of the engine by name: \(ComparisonRegistry.names.joined(separator: ", ")).",
        discussion: "Every entry is trained with each seed; tables give mean ± standard deviation, and a finding claims a difference only when Welch's t-test at 5% finds one.")

    @Argument(help: "The comparison: \(ComparisonRegistry.names.joined(separator: ", ")).")
    var name: String

    @OptionGroup var common: CommonOptions
    @OptionGroup var comparison: ComparisonOptions

    func validate() throws {
        if ComparisonRegistry.named(name) == nil {
            throw ValidationError("unknown comparison '\(name)' (known: \(ComparisonRegistry.names.joined(separator: ", ")))")
        }
    }

    func run() throws {
        try runComparison(ComparisonRegistry.named(name)!, common: common, options: comparison)
    }
}
