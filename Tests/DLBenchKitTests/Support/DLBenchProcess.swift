import Foundation
import Testing

/// Runs the built `dlbench` executable as a child process, as a user's shell would.
struct DLBenchProcess {
    struct Outcome {
        var status: Int32
        /// Set when the child ended by a signal instead of exiting.
        var signal: Int32?
        var output: String
        var errors: String
    }

    /// `dlbench`, next to the test bundle in the build folder (`swift build --build-tests` builds both).
    static var executable: URL {
        get throws {
            let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            var folder = testBinary.deletingLastPathComponent()
            // On Linux the test binary is `<build>/debug/DLSwiftPackageTests.xctest`.
            if folder.pathExtension == "xctest" { folder = folder.deletingLastPathComponent() }
            let url = folder.appendingPathComponent("dlbench")
            guard FileManager.default.isExecutableFile(atPath: url.path) else {
                throw Failure("no dlbench executable at \(url.path): build the package (swift build --build-tests) first")
            }
            return url
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs `dlbench arguments…` with `environment` changes (a `nil` value removes the variable);
    /// a child still running after `timeout` seconds is killed, and its outcome says so (`timedOut`).
    static func run(
        _ arguments: [String], environment changes: [String: String?] = [:], directory: URL? = nil, timeout: Double = 120
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        // Drain stderr on another thread so that neither pipe can fill up and block the child.
        let errorData = DrainedPipe(errors)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let bySignal = process.terminationReason == .uncaughtSignal
        return Outcome(
            status: bySignal ? -1 : process.terminationStatus, signal: bySignal ? process.terminationStatus : nil,
            output: String(decoding: outputData, as: UTF8.self), errors: String(decoding: errorData.wait(), as: UTF8.self)
        )
    }
}

/// Reads a pipe to its end on a background queue.
private final class DrainedPipe: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        DispatchQueue.global().async {
            self.data = pipe.fileHandleForReading.readDataToEndOfFile()
            self.done.signal()
        }
    }

    /// Everything the pipe carried, once the writer closed it.
    func wait() -> Data {
        done.wait()
        return data
    }
}
