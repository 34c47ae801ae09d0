import Foundation
import Testing
@testable import DLNN

@Suite struct AtomicFileTests {
    @Test func writesAndReplacesWithoutLeavingTemporaryFiles() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("history.json")
        try AtomicFile.write(Data("first".utf8), to: url)
        try AtomicFile.write(Data("second, longer".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("second, longer".utf8))
        #expect(try directory.fileNames() == ["history.json"])
    }

    @Test func aFailedWriteLeavesTheOldContentsAndNoTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        // The target is a non-empty folder, so the final rename fails after the data was written.
        let target = directory.url.appendingPathComponent("checkpoint.safetensors")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("good".utf8).write(to: target.appendingPathComponent("inside"))
        #expect(throws: FileWriteError.self) { try SafeTensors.write([(name: "w", tensor: Tensor([1]))], to: target) }
        #expect(try directory.fileNames() == ["checkpoint.safetensors"])
        #expect(try Data(contentsOf: target.appendingPathComponent("inside")) == Data("good".utf8))

        let nowhere = directory.url.appendingPathComponent("missing/folder/file.json")
        do {
            try AtomicFile.write(Data("x".utf8), to: nowhere)
            Issue.record("expected a FileWriteError")
        } catch let error as FileWriteError {
            #expect(error.description == "\(nowhere.path): cannot write: No such file or directory")
        }
    }
}
