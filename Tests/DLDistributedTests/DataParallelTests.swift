import Foundation
import XCTest

/// Data-parallel training under `mpirun` on localhost: 2 ranks at batch 32 against 1 rank at batch 64.
final class DataParallelTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try MPIJob.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The weights (and buffers, and the validation loss) rank 0 wrote after training with `ranks` ranks.
    private func trainedValues(ranks: Int, batchNorm: String) throws -> [Float] {
        let output = directory.appendingPathComponent("weights-\(batchNorm)-\(ranks)").path
        try MPIJob.succeed(ranks: ranks, ["train", output, batchNorm, "3"])
        let text = try String(contentsOfFile: output, encoding: .utf8)
        return text.split(separator: "\n").map { Float($0.split(separator: " ").last!)! }
    }

    private func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
        XCTAssertEqual(a.count, b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    /// Each rank starts from its own random weights; rank 0's broadcast, the sharded order and the
    /// averaged gradients give the single process's weights after 3 steps of SGD with momentum.
    func testTwoRanksAtBatch32MatchOneRankAtBatch64() throws {
        let single = try trainedValues(ranks: 1, batchNorm: "none")
        let parallel = try trainedValues(ranks: 2, batchNorm: "none")
        XCTAssertLessThan(largestDifference(single, parallel), 1e-5)
    }

    /// Synchronized BatchNorm normalizes with the global batch's statistics (and its running
    /// statistics are those of the global batch); per-rank statistics, the default, do not match.
    func testSynchronizedBatchNormMatchesOneRankAndPerRankStatisticsDoNot() throws {
        let single = try trainedValues(ranks: 1, batchNorm: "synchronized")
        XCTAssertLessThan(largestDifference(single, try trainedValues(ranks: 2, batchNorm: "synchronized")), 1e-5)
        XCTAssertEqual(largestDifference(single, try trainedValues(ranks: 1, batchNorm: "local")), 0)
        XCTAssertGreaterThan(largestDifference(single, try trainedValues(ranks: 2, batchNorm: "local")), 1e-3)
    }

    /// Rank r's shard is positions r, r + 2, … of the single-process order of the same epoch.
    func testShardsOfAnEpochAreDisjointCompleteAndInterleaveTheSingleProcessOrder() throws {
        let output = directory.appendingPathComponent("shards").path
        try MPIJob.succeed(ranks: 1, ["shards", output + "-single"])
        try MPIJob.succeed(ranks: 2, ["shards", output])
        func epochs(_ path: String) throws -> [[Int]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").map { Int($0)! } }
        }
        let single = try epochs(output + "-single.0")
        let shards = [try epochs(output + ".0"), try epochs(output + ".1")]
        XCTAssertEqual(single.count, 2)
        XCTAssertNotEqual(single[0], single[1], "epochs are reshuffled")
        for epoch in 0..<2 {
            XCTAssertEqual(single[epoch].sorted(), Array(0..<100))
            XCTAssertEqual(Set(shards[0][epoch]).intersection(shards[1][epoch]), [])
            XCTAssertEqual((shards[0][epoch] + shards[1][epoch]).sorted(), Array(0..<100))
            for rank in 0..<2 {
                XCTAssertEqual(shards[rank][epoch], stride(from: rank, to: 100, by: 2).map { single[epoch][$0] })
            }
        }
    }

    /// A rank that throws ends the job with its message and a nonzero status instead of leaving
    /// the other rank waiting in the next allreduce.
    func testAFailingRankStopsTheJobWithItsMessage() throws {
        let result = try MPIJob.run(ranks: 2, ["fail", directory.appendingPathComponent("unused").path], timeout: 20)
        XCTAssertFalse(result.timedOut, "the job hung after rank 1 failed")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("rank 1 of 2: rank 1 fails on purpose in step 2"), result.standardError)
    }
}
