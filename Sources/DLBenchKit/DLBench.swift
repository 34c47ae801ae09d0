import ArgumentParser
import Foundation

/// The `dlbench` command: compares optimizers, normalization layers, schedules and compressed
/// models on real data, and measures the kernels.
public struct DLBench: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dlbench",
        abstract: "Train and compare networks on MNIST (bundled) or another IDX/CIFAR data set, and report tables and plots.",
        subcommands: [
            TrainCommand.self, OptimizersCommand.self, SchedulesCommand.self, CompareCommand.self, SearchCommand.self, NormsCommand.self, CompressCommand.self,
            ClassicCommand.self, InitCommand.self, SanityCommand.self, RegularizeCommand.self, SequencesCommand.self, KernelsCommand.self,
            MachineCommand.self, AllCommand.self,
        ]
    )

    public init() {}

    /// Parses `arguments`, runs the command and returns the process exit code: 0 on success,
    /// 2 for a bad flag or value (with a one-line message on stderr), 1 for a failure while running.
    public static func run(arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version.
                print(fullMessage(for: error))
                return 0
            }
            let message = self.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            if code == .validationFailure {
                FileHandle.standardError.write(Data("dlbench: error: \(message) (see 'dlbench --help')\n".utf8))
                return 2
            }
            FileHandle.standardError.write(Data("dlbench: error: \(message)\n".utf8))
            return code.rawValue == 0 ? 1 : code.rawValue
        }
    }
}
