import Foundation
import Testing
@testable import DLNN

/// Safetensors files written to hurt: lengths that lie, headers that break the format, truncations
/// and paths that are not regular files. Each must throw the one `CheckpointError` that names its
/// problem, having read no more than the validated parts of the file.
@Suite struct HostileSafeTensorsTests {
    /// The 8-byte little-endian header length `length`, then `rest`.
    private func file(length: UInt64, _ rest: [UInt8] = []) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + rest
    }

    /// A file whose header is `header` (its real length), then `data`.
    private func file(header: String, data: [UInt8] = []) -> [UInt8] {
        file(length: UInt64(header.utf8.count), Array(header.utf8) + data)
    }

    /// The problem `body` throws, which must be a `CheckpointError` about `url`.
    private func problem(about url: URL?, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> CheckpointError.Problem? {
        do {
            try body()
            Issue.record("expected a CheckpointError", sourceLocation: sourceLocation)
        } catch let error as CheckpointError {
            #expect(error.file == url, sourceLocation: sourceLocation)
            return error.problem
        } catch {
            Issue.record("expected a CheckpointError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// Expects `bytes` to be refused as malformed with a reason containing `fragment`, both from
    /// memory and from a file.
    private func expectMalformed(_ bytes: [UInt8], _ fragment: String, in directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = try directory.write(bytes, to: "hostile.safetensors")
        for (source, read) in [(nil, { _ = try SafeTensors.decode(Data(bytes)) }), (url, { _ = try SafeTensors.read(from: url) })] as [(URL?, () throws -> Void)] {
            guard case .malformed(let reason) = problem(about: source, sourceLocation: sourceLocation, read) else {
                Issue.record("expected malformed (\(fragment))", sourceLocation: sourceLocation)
                continue
            }
            #expect(reason.contains(fragment), "\(reason)", sourceLocation: sourceLocation)
        }
    }

    @Test func theHeaderLengthIsCheckedFirst() throws {
        let directory = try TemporaryDirectory()
        for length in 0..<8 {
            try expectMalformed(Array(file(length: 2)[..<length]), "\(length) bytes, too short for the 8-byte header length", in: directory)
        }
        try expectMalformed(file(length: 0, Array("{}".utf8)), "the header length is 0", in: directory)
        try expectMalformed(file(length: 1000, Array("{}".utf8)), "header length 1000 does not fit in the file's 2 remaining bytes", in: directory)
        try expectMalformed(file(length: 100_000_001, Array("{}".utf8)), "header length 100000001 is above the limit of 100000000 bytes", in: directory)
        try expectMalformed(file(length: .max, Array("{}".utf8)), "header length 18446744073709551615 is above the limit", in: directory)
    }

    @Test func aLargeFileWithABadHeaderCostsOnlyItsHeader() throws {
        let directory = try TemporaryDirectory()
        let size = 2 << 30
        // Sparse 2 GiB files: a reader that loads the file before checking its header touches 2 GiB.
        let tooLong = try directory.writeSparse(file(length: 1 << 40), size: size, to: "too-long.safetensors")
        let notJSON = try directory.writeSparse(file(header: "{\"a\": nonsense}"), size: size, to: "not-json.safetensors")
        let short = try directory.writeSparse(file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#), size: size, to: "short.safetensors")
        let start = Date()
        expectBoundedMemory {
            #expect(problem(about: tooLong) { _ = try SafeTensors.read(from: tooLong) }
                == .malformed(reason: "header length 1099511627776 is above the limit of 100000000 bytes"))
            #expect(problem(about: notJSON) { _ = try SafeTensors.read(from: notJSON) } == .malformed(reason: "the header is not valid JSON"))
            let dataBytes = size - 8 - #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#.utf8.count
            #expect(problem(about: short) { _ = try SafeTensors.read(from: short) }
                == .malformed(reason: "the tensors cover 16 data bytes but the file holds \(dataBytes)"))
            #expect(problem(about: short) { try Models.lenet5(seed: 1).loadWeights(from: short) }
                == .malformed(reason: "the tensors cover 16 data bytes but the file holds \(dataBytes)"))
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func headersThatBreakTheFormatNameTheirProblem() throws {
        let directory = try TemporaryDirectory()
        let sixteen = [UInt8](repeating: 0, count: 16)
        func tensor(_ fields: String, data: [UInt8] = sixteen) -> [UInt8] { file(header: "{\"a\":{\(fields)}}", data: data) }

        // Not a JSON object.
        for header in ["[]", "\"a\"", "42", "null", "true"] {
            try expectMalformed(file(header: header), "the header is not a JSON object", in: directory)
        }
        // Not JSON: unbalanced, nested deeper than the parser goes, not UTF-8.
        try expectMalformed(file(header: "{\"a\":"), "not valid JSON", in: directory)
        try expectMalformed(file(header: String(repeating: "[", count: 100_000)), "not valid JSON", in: directory)
        try expectMalformed(file(length: 4, [0x7B, 0xFF, 0xFE, 0x7D]), "not valid JSON", in: directory)
        // Offsets past the end, reversed or negative.
        try expectMalformed(tensor(#""dtype":"F32","shape":[4],"data_offsets":[0,4611686018427387904]"#), "outside the 16 data bytes", in: directory)
        try expectMalformed(tensor(#""dtype":"F32","shape":[4],"data_offsets":[16,0]"#), "outside", in: directory)
        try expectMalformed(tensor(#""dtype":"F32","shape":[4],"data_offsets":[-16,0]"#), "outside", in: directory)
        // Overlapping or repeated ranges.
        try expectMalformed(
            file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: [UInt8](repeating: 0, count: 12)),
            "overlap or gap", in: directory)
        try expectMalformed(
            file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
            "overlap or gap", in: directory)
        // Shapes whose byte count overflows an Int.
        for shape in ["[4611686018427387904]", "[3037000500,3037000500]", "[65536,65536,65536,65536]", "[2305843009213693952,4,0]"] {
            try expectMalformed(tensor("\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[0,16]"), "too large", in: directory)
        }
        try expectMalformed(tensor(#""dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,16]"#), "needs a dtype, a shape and two data_offsets", in: directory)
        // A zero first makes any shape empty, without overflow.
        let empty = try SafeTensors.decode(Data(tensor(#""dtype":"F32","shape":[0,4611686018427387904,4611686018427387904],"data_offsets":[0,0]"#, data: [])))
        #expect(empty.tensors["a"]?.count == 0)
        // Wrong dtypes: unknown ones are malformed, known ones other than F32 unsupported.
        for dtype in ["Q7", "f32", "", "F32 "] {
            try expectMalformed(tensor("\"dtype\":\"\(dtype)\",\"shape\":[4],\"data_offsets\":[0,16]"), "unknown dtype \(dtype)", in: directory)
        }
        try expectMalformed(tensor(#""dtype":32,"shape":[4],"data_offsets":[0,16]"#), "needs a dtype", in: directory)
        let double = try directory.write(tensor(#""dtype":"F64","shape":[2],"data_offsets":[0,16]"#), to: "double.safetensors")
        #expect(problem(about: double) { _ = try SafeTensors.read(from: double) } == .unsupportedDType(name: "a", dtype: "F64"))
    }

    @Test func everyTruncationOfACheckpointFileNamesTheProblem() throws {
        let directory = try TemporaryDirectory()
        var generator = SeededGenerator(seed: 3)
        let valid = [UInt8](SafeTensors.encode(
            [("conv.weight", .randomNormal([2, 1, 2, 2], using: &generator)), ("conv.bias", .randomNormal([2], using: &generator))],
            metadata: ["epoch": "3"]
        ))
        let headerEnd = 8 + Int(valid[0]) + Int(valid[1]) << 8
        for length in 0..<valid.count {
            let url = try directory.write(Array(valid[..<length]), to: "truncated.safetensors")
            guard case .malformed(let reason) = problem(about: url, { _ = try SafeTensors.read(from: url) }) else {
                Issue.record("length \(length): expected malformed")
                continue
            }
            let expected = length < 8 ? "too short for the 8-byte header length" : length < headerEnd ? "does not fit in the file's" : "outside the \(length - headerEnd) data bytes"
            #expect(reason.contains(expected), "length \(length): \(reason)")
        }
    }

    @Test func pathsThatAreNotRegularFilesAreRefusedWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        let fifo = try directory.makeFIFO(named: "model.safetensors")
        let folder = directory.url.appendingPathComponent("folder.safetensors")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let cases: [(url: URL, kind: String)] = [(fifo, "a FIFO (named pipe)"), (folder, "a directory"), (URL(fileURLWithPath: "/dev/zero"), "a character device")]
        for (url, kind) in cases {
            #expect(problem(about: url) { _ = try SafeTensors.read(from: url) } == .notARegularFile(kind: kind))
            #expect(problem(about: url) { try Models.lenet5(seed: 1).loadWeights(from: url) } == .notARegularFile(kind: kind))
            #expect(CheckpointError(file: url, problem: .notARegularFile(kind: kind)).description
                == "\(url.path): is \(kind), not a regular file; only regular files are read")
        }
    }
}
