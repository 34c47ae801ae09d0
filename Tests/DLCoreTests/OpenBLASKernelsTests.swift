import CCPUID
import Foundation
import Testing
@testable import DLCore

/// CPUID words of real CPUs, and the kernels they should get.
@Suite struct OpenBLASKernelsTests {
    /// Vendor words "GenuineIntel" and "AuthenticAMD" as CPUID leaf 0 returns them in EBX, EDX, ECX.
    static let intel: (UInt32, UInt32, UInt32) = (0x756E_6547, 0x4965_6E69, 0x6C65_746E)
    static let amd: (UInt32, UInt32, UInt32) = (0x6874_7541, 0x6974_6E65, 0x444D_4163)

    static func registers(
        vendor: (UInt32, UInt32, UInt32), leaf1EAX: UInt32, leaf1ECX: UInt32, leaf7EBX: UInt32,
        leaf7Subleaf1EAX: UInt32 = 0, xcr0: UInt64
    ) -> DLCPUIDRegisters {
        var r = DLCPUIDRegisters()
        r.available = 1
        r.maximumLeaf = 0x1B
        (r.vendorEBX, r.vendorEDX, r.vendorECX) = vendor
        r.leaf1EAX = leaf1EAX
        r.leaf1ECX = leaf1ECX
        r.leaf7EBX = leaf7EBX
        r.leaf7Subleaf1EAX = leaf7Subleaf1EAX
        r.xcr0 = xcr0
        return r
    }

    /// This project's AMD EPYC (Zen 3, family 25 model 1) as read on 2026-12-01.
    static let epycZen3 = {
        var r = registers(vendor: amd, leaf1EAX: 0x00A0_0F11, leaf1ECX: 0xFFFA_3203, leaf7EBX: 0x219C_07AB, xcr0: 0x207)
        r.maximumLeaf = 0x10
        return r
    }()
    /// Emerald Rapids (family 6 model 207): AVX-512 F/DQ/CD/BW/VL and BF16, XCR0 with the AVX-512 and AMX states.
    /// Leaf 1 ECX and leaf 7 EBX carry the documented bits of that CPU (SSE3 0, FMA 12, OSXSAVE 27, AVX 28;
    /// AVX2 5, AVX-512 F 16, DQ 17, CD 28, BW 30, VL 31).
    static let emeraldRapids = registers(
        vendor: intel, leaf1EAX: 0x000C_06F2, leaf1ECX: 0x1800_1001, leaf7EBX: 0xD003_0020,
        leaf7Subleaf1EAX: 1 << 5, xcr0: 0x602E7
    )
    /// Skylake-SP (family 6 model 85): AVX-512 without BF16.
    static let skylakeX = registers(
        vendor: intel, leaf1EAX: 0x0005_0654, leaf1ECX: 0x1800_1001, leaf7EBX: 0xD003_0020, xcr0: 0x2E7
    )
    /// The same CPU under an OS (or hypervisor) that does not enable the AVX-512 register state.
    static let skylakeXWithoutOSSupport = registers(
        vendor: intel, leaf1EAX: 0x0005_0654, leaf1ECX: 0x1800_1001, leaf7EBX: 0xD003_0020, xcr0: 0x7
    )
    /// Haswell (family 6 model 60): AVX2 + FMA.
    static let haswell = registers(vendor: intel, leaf1EAX: 0x0003_06C3, leaf1ECX: 0x1800_1001, leaf7EBX: 0x20, xcr0: 0x7)
    /// Core 2 (family 6 model 15): SSE3 only.
    static let core2 = registers(vendor: intel, leaf1EAX: 0x0000_06F6, leaf1ECX: 0x1, leaf7EBX: 0, xcr0: 0)

    @Test func decodesFamilyModelAndFeatures() throws {
        let epyc = try #require(CPUFeatures(registers: Self.epycZen3))
        #expect(epyc.vendor == "AuthenticAMD" && epyc.family == 25 && epyc.model == 1)
        #expect(epyc.summary == "SSE3 AVX FMA AVX2")
        let emerald = try #require(CPUFeatures(registers: Self.emeraldRapids))
        #expect(emerald.vendor == "GenuineIntel" && emerald.family == 6 && emerald.model == 207)
        #expect(emerald.summary == "SSE3 AVX FMA AVX2 AVX-512 BF16")
        #expect(CPUFeatures(registers: DLCPUIDRegisters()) == nil, "no CPUID, no features")
    }

    @Test func recommendsTheWidestCoreTheCPUAndOSSupport() throws {
        let expected: [(DLCPUIDRegisters, String?)] = [
            (Self.emeraldRapids, "Cooperlake"), (Self.skylakeX, "SkylakeX"), (Self.skylakeXWithoutOSSupport, "Haswell"),
            (Self.haswell, "Haswell"), (Self.epycZen3, "Zen"), (Self.core2, nil),
        ]
        for (registers, core) in expected {
            let features = try #require(CPUFeatures(registers: registers))
            #expect(OpenBLASKernels.recommendedCore(for: features) == core, "\(features)")
        }
    }

    @Test func prescottOnEmeraldRapidsIsAFallbackWithAWarning() {
        let kernels = OpenBLASKernels(coreName: "Prescott", recommendedCoreName: "Cooperlake")
        #expect(kernels.isFallback)
        #expect(kernels.summary.contains("fallback") && kernels.summary.contains("OPENBLAS_CORETYPE=Cooperlake"))
        #expect(kernels.warning?.contains("OPENBLAS_CORETYPE=Cooperlake") == true)

        let corrected = OpenBLASKernels(
            coreName: "Cooperlake", recommendedCoreName: "Cooperlake", requestedCoreName: "Cooperlake",
            correctedFromCoreName: "Prescott"
        )
        #expect(!corrected.isFallback && corrected.warning == nil)
        #expect(corrected.summary == "Cooperlake (corrected from Prescott, OpenBLAS's own detection)")
    }

    @Test func sameGenerationAndUserChoicesAreNotWarnedAbout() {
        // SkylakeX and Cooperlake share their SGEMM kernels; Zen and Haswell are both AVX2.
        #expect(!OpenBLASKernels(coreName: "SkylakeX", recommendedCoreName: "Cooperlake").isFallback)
        #expect(!OpenBLASKernels(coreName: "Haswell", recommendedCoreName: "Zen").isFallback)
        #expect(!OpenBLASKernels(coreName: "POWER9", recommendedCoreName: nil).isFallback)
        let requested = OpenBLASKernels(coreName: "Prescott", recommendedCoreName: "Zen", requestedCoreName: "Prescott")
        #expect(requested.isFallback && requested.warning == nil, "the user asked for it: reported, not warned about")
        #expect(requested.summary.contains("as OPENBLAS_CORETYPE asks"))
    }

    @Test func relaunchesOnlyForAnUncorrectedFallbackOfADynamicBuild() {
        let dynamic = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64"
        let prescott = OpenBLASKernels(coreName: "Prescott", recommendedCoreName: "Cooperlake")
        #expect(OpenBLASKernels.relaunchCore(for: prescott, configuration: dynamic) == "Cooperlake")
        #expect(OpenBLASKernels.relaunchCore(for: prescott, configuration: "OpenBLAS 0.3.21 Prescott") == nil)
        var requested = prescott
        requested.requestedCoreName = "Prescott"
        #expect(OpenBLASKernels.relaunchCore(for: requested, configuration: dynamic) == nil)
        var alreadyRelaunched = prescott
        alreadyRelaunched.correctedFromCoreName = "Prescott"
        #expect(OpenBLASKernels.relaunchCore(for: alreadyRelaunched, configuration: dynamic) == nil)
        let zen = OpenBLASKernels(coreName: "Zen", recommendedCoreName: "Zen")
        #expect(OpenBLASKernels.relaunchCore(for: zen, configuration: dynamic) == nil)
    }

    @Test func thisProcessRunsKernelsAsWideAsItsCPU() throws {
        let kernels = OpenBLASKernels.current
        #expect(kernels.coreName == BLAS.coreName)
        // A user's OPENBLAS_CORETYPE is theirs to choose; without it, the test process must not run a
        // fallback unless this OpenBLAS cannot switch kernels at all.
        if kernels.requestedCoreName == nil, BLAS.configuration.contains("DYNAMIC_ARCH") {
            let features = try #require(CPUFeatures.current)
            if features.hasAVX512 {
                // Debian's 0.3.21 falls back on CPUs newer than it; a test process is not relaunched, so
                // this only states what the warning must then say.
                if kernels.isFallback { #expect(kernels.warning != nil) }
            } else {
                #expect(!kernels.isFallback, "\(kernels.summary)")
            }
        }
    }
}
