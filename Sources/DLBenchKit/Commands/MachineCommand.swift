import ArgumentParser
import DLReport
import Foundation

/// `dlbench machine`: the machine section every report carries, on its own — which CPU, which
/// OpenBLAS kernels run and whether they are a fallback.
struct MachineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "machine",
        abstract: "Show the CPU, its SIMD features, the OpenBLAS kernels in use and the build, as reports do.",
        discussion: """
            dlbench restarts itself once with OPENBLAS_CORETYPE set when OpenBLAS's own CPU detection falls back \
            to kernels older than the CPU supports (Debian 12's OpenBLAS 0.3.21 runs SSE3 kernels on recent \
            Xeons); the 'OpenBLAS core' line then says 'corrected from …'. Setting OPENBLAS_CORETYPE yourself \
            turns the correction off.
            """)

    func run() throws {
        print(MachineInfo.current().markdown(), terminator: "")
    }
}
