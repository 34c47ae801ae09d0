import DLCore
import Foundation

/// The machine, software and code a benchmark ran on, so that a reader can judge and
/// reproduce its numbers: `MachineInfo.current()` collects it, `markdown()` shows it.
public struct MachineInfo: Sendable {
    /// The CPU model, from the `model name` line of `/proc/cpuinfo`, or `unknown`.
    public var cpuModel: String
    /// The number of logical cores of the machine.
    public var logicalCores: Int
    /// The number of logical cores this process may run on (affinity, container limits).
    public var availableCores: Int
    /// The physical memory in bytes.
    public var memoryBytes: UInt64
    /// The operating system, from `PRETTY_NAME` in `/etc/os-release`, or `unknown`.
    public var operatingSystem: String
    /// OpenBLAS's build configuration, `BLAS.configuration`, which starts with its version.
    public var openBLASConfiguration: String
    /// The SIMD instruction sets of the CPU, `CPUFeatures.current?.summary`, or `unknown`.
    public var cpuFeatures: String
    /// The CPU kernels OpenBLAS runs and whether they are a fallback, `OpenBLASKernels.current`.
    public var openBLASKernels: OpenBLASKernels
    /// The number of threads OpenBLAS uses, `BLAS.threadCount`.
    public var blasThreadCount: Int
    /// The Swift compiler's major.minor version as known at compile time, e.g. `6.3`.
    public var swiftVersion: String
    /// `debug` or `release`: debug builds run many times slower, so timings depend on it.
    public var buildConfiguration: String
    /// When the information was collected.
    public var date: Date
    /// `git rev-parse --short HEAD` of the current directory, with `-dirty` when tracked files
    /// have uncommitted changes, or `unknown` outside a repository or without git.
    public var gitCommit: String

    /// The information about this machine and process now.
    public static func current() -> MachineInfo {
        let processInfo = ProcessInfo.processInfo
        return MachineInfo(
            cpuModel: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))
                .flatMap(cpuModel(fromCPUInfo:)) ?? "unknown",
            logicalCores: processInfo.processorCount,
            availableCores: processInfo.activeProcessorCount,
            memoryBytes: processInfo.physicalMemory,
            operatingSystem: (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8))
                .flatMap(prettyName(fromOSRelease:)) ?? "unknown",
            openBLASConfiguration: BLAS.configuration,
            cpuFeatures: CPUFeatures.current?.summary ?? "unknown",
            openBLASKernels: .current,
            blasThreadCount: BLAS.threadCount,
            swiftVersion: compilerVersion,
            buildConfiguration: buildConfigurationName,
            date: Date(),
            gitCommit: currentGitCommit()
        )
    }

    /// The OpenBLAS version, the second word of `openBLASConfiguration`, or `unknown`.
    public var openBLASVersion: String {
        let words = openBLASConfiguration.split(separator: " ")
        return words.count >= 2 && words[0] == "OpenBLAS" ? String(words[1]) : "unknown"
    }

    /// A Markdown section: a level-2 heading and one bullet per fact.
    public func markdown(heading: String = "Machine") -> String {
        "## \(heading)\n\n" + fields.compactMap { field in field.text.map { "- **\(field.label):** \($0)\n" } }.joined()
    }

    /// One fact: its JSON key, its label and text in Markdown (`nil` for JSON only), and its JSON value.
    struct Field {
        var key: String
        var label: String
        var text: String?
        var json: JSONValue
    }

    /// The facts in the order a reader wants them.
    var fields: [Field] {
        let cores = availableCores == logicalCores
            ? "\(logicalCores)" : "\(logicalCores) (\(availableCores) available to this process)"
        let gibibytes = String(format: "%.1f GiB", Double(memoryBytes) / 1_073_741_824)
        return [
            Field(key: "cpu", label: "CPU", text: cpuModel, json: .string(cpuModel)),
            Field(key: "logical_cores", label: "Logical cores", text: cores, json: .integer(logicalCores)),
            Field(key: "available_cores", label: "Available cores", text: nil, json: .integer(availableCores)),
            Field(key: "memory_bytes", label: "Memory", text: gibibytes, json: .integer(Int(clamping: memoryBytes))),
            Field(key: "os", label: "OS", text: operatingSystem, json: .string(operatingSystem)),
            Field(key: "openblas_version", label: "OpenBLAS version", text: openBLASVersion,
                  json: .string(openBLASVersion)),
            Field(key: "cpu_features", label: "CPU features", text: cpuFeatures, json: .string(cpuFeatures)),
            Field(key: "openblas_core", label: "OpenBLAS core", text: openBLASKernels.summary,
                  json: .string(openBLASKernels.coreName)),
            Field(key: "openblas_core_recommended", label: "", text: nil,
                  json: openBLASKernels.recommendedCoreName.map(JSONValue.string) ?? .null),
            Field(key: "openblas_core_fallback", label: "", text: nil, json: .bool(openBLASKernels.isFallback)),
            Field(key: "openblas_configuration", label: "OpenBLAS configuration", text: "`\(openBLASConfiguration)`",
                  json: .string(openBLASConfiguration)),
            Field(key: "blas_threads", label: "BLAS threads", text: "\(blasThreadCount)", json: .integer(blasThreadCount)),
            Field(key: "swift", label: "Swift compiler", text: swiftVersion, json: .string(swiftVersion)),
            Field(key: "build", label: "Build", text: buildConfiguration, json: .string(buildConfiguration)),
            Field(key: "date", label: "Date (UTC)", text: dateText, json: .string(dateText)),
            Field(key: "git_commit", label: "Git commit", text: "`\(gitCommit)`", json: .string(gitCommit)),
        ]
    }

    /// The date in ISO 8601, UTC: `2025-11-23T09:20:00Z`.
    var dateText: String {
        ISO8601DateFormatter().string(from: date)
    }

    /// The facts as a JSON object, for `results.json`.
    var jsonValue: JSONValue {
        .object(fields.map { ($0.key, $0.json) })
    }
}

extension MachineInfo {
    /// The first `model name` of `/proc/cpuinfo`, with runs of spaces collapsed.
    static func cpuModel(fromCPUInfo text: String) -> String? {
        value(named: "model name", separator: ":", in: text)
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
    }

    /// `PRETTY_NAME` of `/etc/os-release`, without its quotes.
    static func prettyName(fromOSRelease text: String) -> String? {
        value(named: "PRETTY_NAME", separator: "=", in: text).map { value in
            guard let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote else {
                return value
            }
            return String(value.dropFirst().dropLast())
        }
    }

    /// The trimmed text after `separator` on the first line whose key is `name`.
    private static func value(named name: String, separator: Character, in text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            guard let split = line.firstIndex(of: separator) else { continue }
            if line[..<split].trimmingCharacters(in: .whitespaces) == name {
                let value = line[line.index(after: split)...].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// The short commit hash of the repository around the current directory, `-dirty` when
    /// tracked files differ from it (untracked files, such as benchmark output, don't count).
    static func currentGitCommit() -> String {
        guard let hash = runGit(["rev-parse", "--short", "HEAD"]), !hash.isEmpty else { return "unknown" }
        let changes = runGit(["status", "--porcelain", "--untracked-files=no"]) ?? ""
        return changes.isEmpty ? hash : hash + "-dirty"
    }

    /// The trimmed standard output of `git arguments…`, or `nil` if git is missing or fails.
    private static func runGit(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        // Reading to the end before waiting keeps git from blocking on a full pipe.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static var compilerVersion: String {
        #if compiler(>=7.0)
        return "7.0 or later"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    private static var buildConfigurationName: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }
}
