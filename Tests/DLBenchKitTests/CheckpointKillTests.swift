import DLNN
import Foundation
import Testing

/// `dlbench train` killed (SIGKILL) at each step of writing a checkpoint — temporary file created,
/// half written, flushed, renamed into place — leaves a complete checkpoint of the epoch before or
/// of the epoch just finished, and `--resume` then ends with the weights of a run never interrupted.
@Suite struct CheckpointKillTests {
    /// MLP on the quick subset, 2 epochs of 8 steps: each epoch writes `last` then `best`.
    static let arguments = ["train", "--quick", "--model", "mlp", "--optimizer", "adam", "--epochs", "2", "--batch-size", "500",
                            "--quiet", "--format", "csv"]

    private static func run(out: URL, fault: String? = nil, resume: Bool = false) throws -> DLBenchProcess.Outcome {
        try DLBenchProcess.run(
            arguments + ["--out", out.path] + (resume ? ["--resume"] : []),
            environment: ["DLSWIFT_FAULT_INJECTION": fault], timeout: 300)
    }

    private static func tensors(_ url: URL) throws -> [String: Tensor] {
        try SafeTensors.read(from: url).tensors
    }

    /// The epochs a checkpoint records as completed.
    private static func completedEpochs(_ url: URL) throws -> Int? {
        guard let json = try SafeTensors.read(from: url).metadata["dlswift.trainer"],
              let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        return object["completedEpochs"] as? Int
    }

    /// The checkpoint tensors of the uninterrupted run, computed once for all cases.
    static let reference: Result<[String: Tensor], any Error> = Result {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-kill-reference-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let outcome = try run(out: out)
        guard outcome.status == 0 else { throw DLBenchProcess.Failure("the uninterrupted run failed: \(outcome.errors)") }
        return try tensors(out.appendingPathComponent("checkpoints/last.safetensors"))
    }

    /// Each epoch writes `best` (when it improved) and then `last`: writes 1–2 are epoch 1's, 3–4 epoch 2's.
    @Test(arguments: ["created:1", "renamed:1", "half-written:2", "synced:3", "created:4", "half-written:4", "synced:4", "renamed:4"])
    func aKillAtAnyPointOfACheckpointWriteLosesNothing(fault: String) throws {
        let interrupted = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-kill-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: interrupted) }
        let killed = try Self.run(out: interrupted, fault: fault)
        #expect(killed.signal == SIGKILL, "the fault point was reached: \(killed.status) \(killed.errors)")
        let last = interrupted.appendingPathComponent("checkpoints/last.safetensors")
        if FileManager.default.fileExists(atPath: last.path) {
            // Whatever the instant, `last` is a complete checkpoint of a finished epoch.
            let epochs = try Self.completedEpochs(last)
            #expect(epochs == 1 || epochs == 2, "\(fault): \(String(describing: epochs))")
        }

        let resumed = try Self.run(out: interrupted, resume: true)
        #expect(resumed.status == 0, "\(resumed.errors)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: interrupted.appendingPathComponent("checkpoints").path)
            .filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "temporaries of the killed run are cleaned up: \(leftovers)")
        #expect(try Self.tensors(last) == Self.reference.get(), "bit for bit the weights and optimizer state of the uninterrupted run")
    }
}
