import DLBenchKit
import DLCore
import Foundation

// OpenBLAS chose its kernels when it was loaded; if its detection fell back to older ones than
// this CPU runs, start again with OPENBLAS_CORETYPE set (once, and never over the user's choice).
OpenBLASKernels.relaunchWithRecommendedCoreIfNeeded()
exit(DLBench.run(arguments: Array(CommandLine.arguments.dropFirst())))
