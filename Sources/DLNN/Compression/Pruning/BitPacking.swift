/// Small unsigned codes (index gaps, codebook indices) stored at `bits` bits each, least
/// significant bit first, in as few bytes as they need: ⌈count · bits / 8⌉.
enum BitPacking {
    /// `codes`, each below 2^`bits` (1 ≤ bits ≤ 16), packed.
    static func pack(_ codes: [Int], bits: Int) -> [UInt8] {
        require((1...16).contains(bits), "BitPacking: \(bits) bits per code, expected 1...16")
        var bytes = [UInt8](repeating: 0, count: byteCount(codes.count, bits: bits))
        for (index, code) in codes.enumerated() {
            require(code >= 0 && code < 1 << bits, "BitPacking: code \(code) does not fit in \(bits) bits")
            for bit in 0..<bits where code >> bit & 1 == 1 {
                let position = index * bits + bit
                bytes[position >> 3] |= 1 << UInt8(position & 7)
            }
        }
        return bytes
    }

    /// The first `count` codes of `bytes`; nil when `bytes` is not exactly `byteCount(count, bits:)` long.
    static func unpack(_ bytes: [UInt8], count: Int, bits: Int) -> [Int]? {
        guard (1...16).contains(bits), count >= 0, bytes.count == byteCount(count, bits: bits) else { return nil }
        return (0..<count).map { index in
            (0..<bits).reduce(0) { code, bit in
                let position = index * bits + bit
                return code | Int(bytes[position >> 3] >> UInt8(position & 7) & 1) << bit
            }
        }
    }

    /// ⌈count · bits / 8⌉.
    static func byteCount(_ count: Int, bits: Int) -> Int { (count * bits + 7) / 8 }
}
