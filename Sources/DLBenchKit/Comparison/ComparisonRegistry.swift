/// Every comparison the engine runs, in the order `dlbench all` runs them; `dlbench compare <name>`
/// runs one with its defaults, and `optimizers` and `schedules` have subcommands of their own with more options.
enum ComparisonRegistry {
    static var all: [ComparisonDefinition] {
        [.optimizers(), .schedules(), .adaptiveVersusSGD, .learningRateRegimes, .largeBatch, .initialization(), .regularization()]
    }

    static var names: [String] { all.map(\.name) }

    /// The comparison called `name`, or nil.
    static func named(_ name: String) -> ComparisonDefinition? {
        all.first { $0.name == name }
    }
}
