import Foundation

/// Writes small MNIST-layout folders of IDX files for tests of what `dlbench` does with odd data.
enum IDXWriter {
    /// The bytes of an IDX file of unsigned bytes with `dimensions` and `values` (zeros when nil).
    static func file(dimensions: [Int], values: [UInt8]? = nil) -> Data {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for size in dimensions { bytes += withUnsafeBytes(of: UInt32(size).bigEndian, Array.init) }
        bytes += values ?? [UInt8](repeating: 0, count: dimensions.reduce(1, *))
        return Data(bytes)
    }

    /// A folder with the four MNIST files: `trainCount` and `testCount` images of `imageShape`
    /// ([H, W] or [C, H, W]) with pixel noise and labels cycling through 0..<10.
    static func folder(
        at url: URL, trainCount: Int, testCount: Int, imageShape: [Int] = [28, 28], testImageShape: [Int]? = nil
    ) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (prefix, count, shape) in [("train", trainCount, imageShape), ("t10k", testCount, testImageShape ?? imageShape)] {
            let pixels = (0..<(count * shape.reduce(1, *))).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
            try file(dimensions: [count] + shape, values: pixels).write(to: url.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try file(dimensions: [count], values: (0..<count).map { UInt8($0 % 10) })
                .write(to: url.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
    }
}
