import DLBenchKit
import Foundation

exit(DLBench.run(arguments: Array(CommandLine.arguments.dropFirst())))
