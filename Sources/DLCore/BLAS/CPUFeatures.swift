import CCPUID

/// The SIMD instruction sets that this CPU has *and* the operating system saves the registers of,
/// decoded from CPUID and XGETBV: what decides which OpenBLAS kernels can run.
public struct CPUFeatures: Sendable, Equatable {
    /// The vendor string, e.g. `GenuineIntel` or `AuthenticAMD`.
    public var vendor: String
    /// The display family (base family plus extended family), e.g. 6 for Intel Core/Xeon, 25 for AMD Zen 3/4.
    public var family: Int
    /// The display model (extended model · 16 + base model for families 6 and 15), e.g. 207 for Emerald Rapids.
    public var model: Int
    public var hasSSE3: Bool
    public var hasAVX: Bool
    public var hasFMA: Bool
    public var hasAVX2: Bool
    /// AVX-512 F, DQ, CD, BW and VL together: the subset OpenBLAS's SkylakeX kernels use.
    public var hasAVX512: Bool
    /// AVX512_BF16, which OpenBLAS's Cooperlake kernels add.
    public var hasAVX512BF16: Bool

    public init(
        vendor: String, family: Int, model: Int, hasSSE3: Bool, hasAVX: Bool, hasFMA: Bool, hasAVX2: Bool,
        hasAVX512: Bool, hasAVX512BF16: Bool
    ) {
        self.vendor = vendor
        self.family = family
        self.model = model
        self.hasSSE3 = hasSSE3
        self.hasAVX = hasAVX
        self.hasFMA = hasFMA
        self.hasAVX2 = hasAVX2
        self.hasAVX512 = hasAVX512
        self.hasAVX512BF16 = hasAVX512BF16
    }

    /// Decodes raw CPUID words; `nil` when they were not read (not an x86 CPU).
    ///
    /// AVX needs XCR0 bits 1–2 (SSE and AVX state) and AVX-512 also bits 5–7 (opmask, ZMM upper
    /// halves, ZMM16–31): a CPU feature whose registers the OS does not save cannot be used.
    public init?(registers r: DLCPUIDRegisters) {
        guard r.available != 0 else { return nil }
        let vendorBytes = [r.vendorEBX, r.vendorEDX, r.vendorECX].flatMap { word in
            (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
        }
        vendor = String(decoding: vendorBytes, as: UTF8.self)
        let baseFamily = Int(r.leaf1EAX >> 8 & 0xF), baseModel = Int(r.leaf1EAX >> 4 & 0xF)
        family = baseFamily == 0xF ? baseFamily + Int(r.leaf1EAX >> 20 & 0xFF) : baseFamily
        model = baseFamily == 0x6 || baseFamily == 0xF ? baseModel + Int(r.leaf1EAX >> 16 & 0xF) << 4 : baseModel

        func bit(_ word: UInt32, _ index: UInt32) -> Bool { word >> index & 1 == 1 }
        let osSavesAVX = bit(r.leaf1ECX, 27) && r.xcr0 & 0x6 == 0x6
        let osSavesAVX512 = osSavesAVX && r.xcr0 & 0xE0 == 0xE0
        hasSSE3 = bit(r.leaf1ECX, 0)
        hasAVX = osSavesAVX && bit(r.leaf1ECX, 28)
        hasFMA = hasAVX && bit(r.leaf1ECX, 12)
        hasAVX2 = hasAVX && r.maximumLeaf >= 7 && bit(r.leaf7EBX, 5)
        // EBX bits 16 F, 17 DQ, 28 CD, 30 BW, 31 VL.
        hasAVX512 = osSavesAVX512 && r.maximumLeaf >= 7 && [16, 17, 28, 30, 31].allSatisfy { bit(r.leaf7EBX, $0) }
        hasAVX512BF16 = hasAVX512 && bit(r.leaf7Subleaf1EAX, 5)
    }

    /// The features of the CPU this process runs on, or `nil` on a CPU without CPUID.
    public static let current: CPUFeatures? = CPUFeatures(registers: dl_read_cpuid_registers())

    /// The instruction sets in a line, widest last: `SSE3 AVX FMA AVX2 AVX-512 BF16`.
    public var summary: String {
        let names: [(Bool, String)] = [
            (hasSSE3, "SSE3"), (hasAVX, "AVX"), (hasFMA, "FMA"), (hasAVX2, "AVX2"), (hasAVX512, "AVX-512"),
            (hasAVX512BF16, "BF16"),
        ]
        let present = names.filter(\.0).map(\.1)
        return present.isEmpty ? "none of SSE3…AVX-512" : present.joined(separator: " ")
    }
}
