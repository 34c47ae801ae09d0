import Foundation
import Testing
@testable import DLNN

@Suite struct SafeTensorsTests {
    /// A safetensors file assembled byte by byte from the format's specification.
    private func handwritten(header: String, data: [UInt8]) -> Data {
        let headerBytes = Array(header.utf8)
        var length = UInt64(headerBytes.count)
        let lengthBytes = (0..<8).map { _ -> UInt8 in defer { length >>= 8 }; return UInt8(length & 0xFF) }
        return Data(lengthBytes + headerBytes + data)
    }

    /// Little-endian bytes of Float32 values, written out by hand.
    private let oneTwoThreeFour: [UInt8] = [
        0x00, 0x00, 0x80, 0x3F,  // 1.0
        0x00, 0x00, 0x00, 0xC0,  // -2.0
        0x00, 0x00, 0x40, 0x40,  // 3.0
        0x00, 0x00, 0x80, 0x40,  // 4.0
    ]

    private func expectMalformed(_ data: Data, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try SafeTensors.decode(data)
            Issue.record("expected a malformed-file error mentioning \(fragment)", sourceLocation: sourceLocation)
        } catch let error as CheckpointError {
            guard case .malformed(let reason) = error.problem else {
                Issue.record("expected malformed, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(reason.contains(fragment), "\(reason)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected a CheckpointError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func writesTheReferenceLayout() throws {
        let data = SafeTensors.encode(
            [(name: "b", tensor: Tensor([5])), (name: "a", tensor: Tensor(shape: [2, 2], scalars: [1, -2, 3, 4]))],
            metadata: ["format": "pt"]
        )
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        #expect(padded.utf8.count % 8 == 0)
        #expect(data == handwritten(header: padded, data: oneTwoThreeFour + [0x00, 0x00, 0xA0, 0x40]))
    }

    @Test func roundTripsTensorsAndMetadata() throws {
        var generator = SeededGenerator(seed: 1)
        let tensors: [(name: String, tensor: Tensor)] = [
            ("features.0.weight", .randomNormal([6, 1, 5, 5], using: &generator)),
            ("features.0.bias", .randomNormal([6], using: &generator)),
            ("scalar", Tensor(shape: [], scalars: [-0.0])),
            ("empty", .zeros([0, 3])),
            ("odd \"name\"\\ with ü\n", Tensor([.infinity, .leastNonzeroMagnitude, -.greatestFiniteMagnitude])),
        ]
        let metadata = ["format": "pt", "note": "line\nbreak \"quoted\""]
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("model.safetensors")
        try SafeTensors.write(tensors, metadata: metadata, to: url)
        let contents = try SafeTensors.read(from: url)
        #expect(contents.metadata == metadata)
        #expect(contents.tensors.count == tensors.count)
        for (name, tensor) in tensors {
            #expect(contents.tensors[name]?.shape == tensor.shape)
            #expect(contents.tensors[name]?.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern))
        }
        #expect(try directory.fileNames() == ["model.safetensors"])
    }

    @Test func readsAFileWrittenByAnotherTool() throws {
        // Metadata last, fields in another order, data in another order than the names, no padding.
        let header = #"{"w":{"shape":[2,1],"data_offsets":[8,16],"dtype":"F32"}, "v" : {"data_offsets":[0,8],"dtype":"F32","shape":[2]},"__metadata__":{"format":"np"}}"#
        let contents = try SafeTensors.decode(handwritten(header: header, data: oneTwoThreeFour))
        #expect(contents.tensors["v"] == Tensor([1, -2]))
        #expect(contents.tensors["w"] == Tensor(shape: [2, 1], scalars: [3, 4]))
        #expect(contents.metadata == ["format": "np"])

        let square = try SafeTensors.decode(handwritten(header: #"{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, data: oneTwoThreeFour))
        #expect(square.tensors["x"] == Tensor(shape: [2, 2], scalars: [1, -2, 3, 4]))
        #expect(square.metadata.isEmpty)
    }

    @Test func rejectsOtherDTypesByTensorName() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"half":{"dtype":"F16","shape":[4],"data_offsets":[8,16]}}"#
        #expect(throws: CheckpointError(file: nil, problem: .unsupportedDType(name: "half", dtype: "F16"))) {
            try SafeTensors.decode(handwritten(header: header, data: oneTwoThreeFour))
        }
    }

    @Test func rejectsMalformedHeadersWithAReason() {
        func file(_ entries: String, data: [UInt8] = [UInt8](repeating: 0, count: 16)) -> Data {
            handwritten(header: "{\(entries)}", data: data)
        }
        expectMalformed(Data([1, 2, 3]), "too short")
        expectMalformed(Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]), "does not fit")
        expectMalformed(handwritten(header: "{\"a\":", data: []), "not valid JSON")
        expectMalformed(handwritten(header: "[1, 2]", data: []), "not a JSON object")
        expectMalformed(file(#""a":{"dtype":"F32","shape":[4]}"#), "needs a dtype, a shape and two data_offsets")
        expectMalformed(file(#""a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,16]}"#), "needs a dtype")
        expectMalformed(file(#""a":{"dtype":"Q7","shape":[4],"data_offsets":[0,16]}"#), "unknown dtype Q7")
        expectMalformed(file(#""a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}"#), "outside")
        expectMalformed(file(#""a":{"dtype":"F32","shape":[4],"data_offsets":[0,20]}"#), "outside")
        expectMalformed(file(#""a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}"#), "needs 12 bytes")
        expectMalformed(file(#""a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}"#), "too large")
        expectMalformed(file(#""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}"#), "overlap or gap")
        expectMalformed(file(#""a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}"#), "overlap or gap")
        expectMalformed(file(#""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#), "cover 8 data bytes but the file holds 16")
        expectMalformed(file(#""__metadata__":{"epoch":3}"#, data: []), "strings to strings")
    }

    @Test func truncatedAndCorruptedFilesThrowInsteadOfCrashing() {
        var generator = SeededGenerator(seed: 2)
        let valid = SafeTensors.encode(
            [("conv.weight", .randomNormal([2, 1, 2, 2], using: &generator)), ("conv.bias", .randomNormal([2], using: &generator))],
            metadata: ["epoch": "3"]
        )
        for length in 0..<valid.count {
            #expect(throws: CheckpointError.self) { try SafeTensors.decode(valid.prefix(length)) }
        }
        for _ in 0..<2000 {
            var bytes = [UInt8](valid)
            for _ in 0...generator.nextIndex(below: 3) {
                bytes[generator.nextIndex(below: bytes.count)] ^= UInt8(1 + generator.nextIndex(below: 255))
            }
            do {
                let contents = try SafeTensors.decode(Data(bytes))
                #expect(contents.tensors.values.reduce(0) { $0 + $1.count * 4 } <= bytes.count)
            } catch {
                #expect(error is CheckpointError)
            }
        }
    }

    @Test func reportsUnreadableFilesByPath() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.url.appendingPathComponent("none.safetensors")
        #expect(throws: CheckpointError(file: missing, problem: .unreadable(reason: "no such file"))) {
            try SafeTensors.read(from: missing)
        }
    }
}
