import DLCore
import Foundation
import Testing

@Suite struct MachineCommandTests {
    /// The `OpenBLAS core` line of `dlbench machine` run as a user runs it, without OPENBLAS_CORETYPE.
    private func coreLine() throws -> String {
        let outcome = try DLBenchProcess.run(["machine"], environment: ["OPENBLAS_CORETYPE": nil])
        #expect(outcome.status == 0, "\(outcome.errors)")
        return try #require(outcome.output.split(separator: "\n").first { $0.contains("OpenBLAS core:") }).description
    }

    @Test func dlbenchRunsTheWidestKernelsTheCPUSupports() throws {
        let line = try coreLine()
        #expect(!line.contains("fallback"), "\(line)")
        guard let features = CPUFeatures.current, BLAS.configuration.contains("DYNAMIC_ARCH") else { return }
        if features.hasAVX512 {
            #expect(line.contains("SkylakeX") || line.contains("Cooperlake"), "AVX-512 CPU: \(line)")
        } else if features.hasAVX2 && features.hasFMA {
            #expect(line.contains("Haswell") || line.contains("Zen"), "AVX2 CPU: \(line)")
        }
    }

    @Test func aUserChoiceIsKeptAndReported() throws {
        let outcome = try DLBenchProcess.run(["machine"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(outcome.status == 0)
        let line = try #require(outcome.output.split(separator: "\n").first { $0.contains("OpenBLAS core:") })
        #expect(line.contains("Prescott"))
        if CPUFeatures.current?.hasAVX2 == true { #expect(line.contains("fallback")) }
    }
}
