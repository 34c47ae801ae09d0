@testable import DLDistributed
import XCTest

final class CommunicatorChunkTests: XCTestCase {
    /// MPI counts are C ints: a buffer is sent in pieces of at most Int32.max elements, in order, covering it.
    func testChunksCoverTheBufferInPiecesOfAtMostTheMaximum() {
        XCTAssertTrue(Communicator.chunks(count: 0).isEmpty)
        XCTAssertEqual(Communicator.chunks(count: 5, maximum: 2).map(\.start), [0, 2, 4])
        XCTAssertEqual(Communicator.chunks(count: 5, maximum: 2).map(\.count), [2, 2, 1])
        XCTAssertEqual(Communicator.chunks(count: 4, maximum: 2).map(\.count), [2, 2])
        let large = Communicator.chunks(count: 2 * Int(Int32.max) + 3)
        XCTAssertEqual(large.map(\.start), [0, Int(Int32.max), 2 * Int(Int32.max)])
        XCTAssertEqual(large.map(\.count), [Int32.max, Int32.max, 3])
    }
}
