import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Which CPU kernels OpenBLAS runs, and whether they are the best this CPU supports.
///
/// OpenBLAS picks its kernels once, when it is loaded, from `OPENBLAS_CORETYPE` or from its own
/// CPU detection. Older builds do not know newer CPUs and fall back to a generic core: Debian 12's
/// OpenBLAS 0.3.21 runs its SSE3 `Prescott` kernels on an Emerald Rapids Xeon (family 6, model 207),
/// about 4× slower in SGEMM than its `Cooperlake` ones. `recommendedCore(for:)` reads the CPU's
/// features instead: AVX-512 with BF16 → `Cooperlake`, AVX-512 → `SkylakeX`, AVX2 + FMA → `Zen`
/// on AMD and `Haswell` elsewhere, AVX on Intel → `Sandybridge`.
public struct OpenBLASKernels: Sendable, Equatable {
    /// The core whose kernels run, `openblas_get_corename()`, e.g. `Haswell`.
    public var coreName: String
    /// The best core for this CPU's features, or `nil` when there is nothing better to say.
    public var recommendedCoreName: String?
    /// `OPENBLAS_CORETYPE` as the process found it, or `nil` when unset.
    public var requestedCoreName: String?
    /// The core OpenBLAS detected by itself before `relaunchWithRecommendedCoreIfNeeded()` corrected it.
    public var correctedFromCoreName: String?

    public init(
        coreName: String, recommendedCoreName: String?, requestedCoreName: String? = nil,
        correctedFromCoreName: String? = nil
    ) {
        self.coreName = coreName
        self.recommendedCoreName = recommendedCoreName
        self.requestedCoreName = requestedCoreName
        self.correctedFromCoreName = correctedFromCoreName
    }

    /// The kernels of this process.
    public static var current: OpenBLASKernels {
        let environment = { (name: String) in getenv(name).map { String(cString: $0) } }
        return OpenBLASKernels(
            coreName: BLAS.coreName,
            recommendedCoreName: CPUFeatures.current.flatMap(recommendedCore(for:)),
            requestedCoreName: environment(coreTypeVariable),
            correctedFromCoreName: environment(correctedFromVariable)
        )
    }

    /// True when the kernels in use are of an older instruction-set generation than the CPU supports.
    public var isFallback: Bool {
        guard let recommended = recommendedCoreName, let best = Self.generation(ofCore: recommended),
              let inUse = Self.generation(ofCore: coreName) else { return false }
        return inUse < best
    }

    /// One line for a report: `Haswell`, `Cooperlake (corrected from Prescott, OpenBLAS's own detection)`,
    /// or `Prescott — a fallback: this CPU supports Cooperlake; set OPENBLAS_CORETYPE=Cooperlake`.
    public var summary: String {
        if isFallback, let recommended = recommendedCoreName {
            let cause = requestedCoreName != nil ? "as OPENBLAS_CORETYPE asks" : "OpenBLAS's own detection"
            return "\(coreName) — a fallback (\(cause)): this CPU supports \(recommended); "
                + "set OPENBLAS_CORETYPE=\(recommended)"
        }
        if let detected = correctedFromCoreName {
            return "\(coreName) (corrected from \(detected), OpenBLAS's own detection)"
        }
        return requestedCoreName != nil ? "\(coreName) (set by OPENBLAS_CORETYPE)" : coreName
    }

    /// The warning a library user sees once, on the first BLAS call, when the kernels are a fallback
    /// that the user did not ask for; `nil` otherwise.
    public var warning: String? {
        guard isFallback, requestedCoreName == nil, let recommended = recommendedCoreName else { return nil }
        return "DLCore: warning: OpenBLAS runs its \(coreName) kernels, but this CPU supports \(recommended) ones, "
            + "several times faster; start the program with OPENBLAS_CORETYPE=\(recommended) in its environment"
    }

    /// The OpenBLAS core for a CPU's features (see the type's documentation), or `nil` below AVX,
    /// where OpenBLAS's own detection is reliable.
    public static func recommendedCore(for features: CPUFeatures) -> String? {
        if features.hasAVX512 { return features.hasAVX512BF16 ? "Cooperlake" : "SkylakeX" }
        if features.hasAVX2 && features.hasFMA { return features.vendor == "AuthenticAMD" ? "Zen" : "Haswell" }
        if features.hasAVX && features.vendor == "GenuineIntel" { return "Sandybridge" }
        return nil
    }

    /// The SIMD generation of an OpenBLAS x86-64 core: 1 SSE, 2 AVX, 3 AVX2 + FMA, 4 AVX-512;
    /// `nil` for a name this table does not know (another architecture, a newer OpenBLAS).
    static func generation(ofCore name: String) -> Int? {
        switch name.lowercased() {
        case "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
             "nehalem", "athlon", "opteron", "opteron(sse3)", "barcelona", "nano", "bobcat":
            return 1
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator":
            return 2
        case "haswell", "zen":
            return 3
        case "skylakex", "cooperlake", "sapphirerapids":
            return 4
        default:
            return nil
        }
    }

    /// The environment variable OpenBLAS reads its core from.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Set by `relaunchWithRecommendedCoreIfNeeded()` to the core OpenBLAS had detected, for reports.
    static let correctedFromVariable = "DLSWIFT_OPENBLAS_DETECTED_CORE"

    /// Replaces the process with a fresh run of the same executable and arguments with
    /// `OPENBLAS_CORETYPE` set to the recommended core, when OpenBLAS's choice is a fallback, the
    /// user did not set `OPENBLAS_CORETYPE`, and this OpenBLAS can switch kernels (`DYNAMIC_ARCH`).
    ///
    /// Call it first thing in `main`, before any output or threads: OpenBLAS chooses its kernels
    /// when it is loaded, so only a new process can change them. Returns when nothing needs to
    /// change, or when the relaunch failed (the process then continues with the kernels it has).
    public static func relaunchWithRecommendedCoreIfNeeded() {
        let kernels = current
        guard let core = relaunchCore(for: kernels, configuration: BLAS.configuration) else { return }
        setenv(coreTypeVariable, core, 1)
        setenv(correctedFromVariable, kernels.coreName, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when execv failed.
        unsetenv(coreTypeVariable)
        unsetenv(correctedFromVariable)
    }

    /// The core to relaunch with, or `nil` when the kernels are fine, the user chose them, a relaunch
    /// already happened, or OpenBLAS was built for one core only (no `DYNAMIC_ARCH` in its configuration).
    static func relaunchCore(for kernels: OpenBLASKernels, configuration: String) -> String? {
        guard kernels.isFallback, kernels.requestedCoreName == nil, kernels.correctedFromCoreName == nil,
              configuration.contains("DYNAMIC_ARCH") else { return nil }
        return kernels.recommendedCoreName
    }
}
