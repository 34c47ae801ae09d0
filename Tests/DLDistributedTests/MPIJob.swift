import Foundation
import XCTest

/// One run of `mpirun -np <ranks> dldistributed-check …` on this machine, with BLAS single-threaded
/// per rank, killed if it takes longer than `timeout` seconds.
struct MPIJob {
    struct Result {
        var status: Int32
        var standardError: String
        var seconds: Double
        var timedOut: Bool
    }

    /// `mpirun` on the PATH, or a failure saying how to install it.
    static func mpirun() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("mpirun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        XCTFail("mpirun is not installed: `make deps` installs Open MPI (libopenmpi-dev, openmpi-bin)")
        throw XCTSkip("no mpirun")
    }

    /// The check executable, built next to the test bundle.
    static var checkExecutable: URL {
        Bundle.main.bundleURL.appendingPathComponent("dldistributed-check")
    }

    static func run(ranks: Int, _ arguments: [String], timeout: Double = 30) throws -> Result {
        let process = Process()
        process.executableURL = try mpirun()
        // As root (CI containers) Open MPI refuses to start without --allow-run-as-root, and with fewer
        // cores than ranks without --oversubscribe.
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", checkExecutable.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        // Containers often forbid the cross-memory attach of the shared-memory transport.
        environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
        process.environment = environment
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            finished.signal()
        }
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            process.terminate()
            finished.wait()
        }
        let standardError = String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return Result(status: process.terminationStatus, standardError: standardError, seconds: Date().timeIntervalSince(start), timedOut: timedOut)
    }

    /// Runs the job and fails the test unless it exits with status 0.
    static func succeed(ranks: Int, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(ranks: ranks, arguments)
        XCTAssertFalse(result.timedOut, "mpirun -np \(ranks) \(arguments) timed out", file: file, line: line)
        XCTAssertEqual(result.status, 0, "mpirun -np \(ranks) \(arguments) failed:\n\(result.standardError)", file: file, line: line)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dldistributed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
