import Foundation

/// The contents of an IDX file: an element type, the size of each dimension and the raw data.
///
/// IDX (LeCun et al., the format of MNIST, Fashion-MNIST, KMNIST and EMNIST) is a big-endian
/// header, then the elements in row-major order:
///
///     00 00 TT DD        magic number: two zero bytes, type code TT, number of dimensions DD
///     s₁ s₂ … s_DD       each dimension's size as a 32-bit big-endian unsigned integer
///     data               s₁·s₂·…·s_DD elements of type TT, multi-byte types big-endian
public struct IDXArray: Equatable, Sendable {
    /// The element type given by the third byte of the magic number.
    public enum ElementType: UInt8, Sendable {
        case unsignedByte = 0x08
        case signedByte = 0x09
        case int16 = 0x0B
        case int32 = 0x0C
        case float32 = 0x0D
        case float64 = 0x0E

        /// Bytes per element.
        public var byteWidth: Int {
            switch self {
            case .unsignedByte, .signedByte: 1
            case .int16: 2
            case .int32, .float32: 4
            case .float64: 8
            }
        }
    }

    /// The type of every element.
    public var elementType: ElementType
    /// The size of each dimension, outermost first (`[60000, 28, 28]` for MNIST's training images).
    public var dimensions: [Int]
    /// The elements' bytes as stored: row-major, multi-byte types big-endian.
    public var bytes: [UInt8]

    /// The four-byte magic number that begins the file, e.g. `0x00000803` for unsigned bytes in 3 dimensions.
    public var magicNumber: UInt32 { UInt32(elementType.rawValue) << 8 | UInt32(dimensions.count) }

    /// The magic number of an array of `elementType` with `rank` dimensions.
    public static func magicNumber(of elementType: ElementType, rank: Int) -> UInt32 {
        UInt32(elementType.rawValue) << 8 | UInt32(rank)
    }
}

/// Reads IDX files, gzip-compressed or not.
public enum IDXFile {
    /// Reads the IDX file at `url`, inflating it first if it starts with the gzip magic bytes.
    ///
    /// When `accepting` is not empty, the magic number must be one of its values (for instance
    /// `0x00000801` for a label file). Throws a `DatasetError` naming the file when it is missing,
    /// unreadable or not a regular file, has a bad magic number or sizes whose product overflows,
    /// ends early or has bytes after its data. A zero size is valid and gives an empty array.
    ///
    /// The header's sizes bound what is read but are not trusted for memory: the data's array grows
    /// as the bytes arrive, so a header claiming terabytes in a small file costs about what the file holds.
    public static func read(contentsOf url: URL, accepting magicNumbers: [UInt32] = []) throws -> IDXArray {
        let reader = try DataFileReader(contentsOf: url)
        let magic = try reader.readBytes(4, expectedTotal: 4)
        let found = magic.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let knownType = IDXArray.ElementType(rawValue: magic[2])
        let rank = Int(magic[3])
        guard magic[0] == 0, magic[1] == 0, let elementType = knownType, rank > 0,
              magicNumbers.isEmpty || magicNumbers.contains(found)
        else {
            throw DatasetError(file: url, problem: .badMagicNumber(found: found, expected: magicNumbers))
        }

        let headerBytes = 4 + 4 * rank
        let sizes = try reader.readBytes(4 * rank, expectedTotal: headerBytes)
        let dimensions = (0..<rank).map { axis in
            sizes[4 * axis..<4 * axis + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        // A zero size empties the array however large the others are; otherwise the product must fit in an Int.
        var byteCount = 0
        if !dimensions.contains(0) {
            byteCount = elementType.byteWidth
            for size in dimensions {
                let (product, overflow) = byteCount.multipliedReportingOverflow(by: size)
                guard !overflow else { throw DatasetError(file: url, problem: .sizeOverflow(dimensions: dimensions)) }
                byteCount = product
            }
        }

        let bytes = try reader.readBytes(byteCount, expectedTotal: headerBytes + byteCount)
        try reader.expectEnd()
        return IDXArray(elementType: elementType, dimensions: dimensions, bytes: bytes)
    }
}
