import Foundation

/// A text as a sequence of character indices over its own vocabulary, for character-level
/// language models. Tiny Shakespeare (the 1.1 MB corpus of char-rnn, public domain) ships with
/// this repository in `Data/tinyshakespeare`, so nothing needs downloading.
///
///     let corpus = try CharacterCorpus.load()                       // Tiny Shakespeare, 65 characters
///     let (training, heldOut) = try corpus.split(heldOutFraction: 0.1)
///     let streams = try CharacterStreams(text: training, vocabularySize: corpus.vocabulary.count, steps: 64)
///
/// Characters are Unicode scalars; the vocabulary is the set of scalars the text uses, in
/// ascending order, so the same text always gives the same indices.
public struct CharacterCorpus: Sendable {
    /// The distinct characters of the text in ascending order; index i encodes `vocabulary[i]`.
    public let vocabulary: [Unicode.Scalar]
    /// The text, one vocabulary index per character.
    public let indices: [Int]
    private let lookup: [Unicode.Scalar: Int]

    /// The largest corpus `load(_:)` reads, 64 MiB.
    public static let maximumFileBytes = 64 << 20

    /// The file of Tiny Shakespeare in this repository (`Data/tinyshakespeare/input.txt.gz`), or the
    /// file named by the environment variable `DLNN_CORPUS_FILE` when it is set.
    public static var bundledFile: URL {
        if let override = ProcessInfo.processInfo.environment["DLNN_CORPUS_FILE"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        // This file is Sources/DLNN/Data/SequenceCharacterCorpus.swift; the data is at the repository's root.
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Data/tinyshakespeare/input.txt.gz")
    }

    /// The corpus of `text`; `nil` when it has fewer than two characters (nothing to predict).
    public init?(text: String) {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 2 else { return nil }
        vocabulary = Set(scalars).sorted()
        lookup = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        indices = scalars.map { [lookup] in lookup[$0]! }
    }

    /// Reads the UTF-8 text of `url`, gzip-compressed or plain (by its magic bytes). Throws a
    /// `DatasetError` naming the file when it is missing, unreadable, corrupt, larger than
    /// `maximumFileBytes`, not UTF-8 or shorter than two characters.
    public static func load(_ url: URL = bundledFile) throws -> CharacterCorpus {
        let reader = try DataFileReader(contentsOf: url)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let read = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
            if read == 0 { break }
            bytes += chunk[..<read]
            if bytes.count > maximumFileBytes { throw DatasetError(file: url, problem: .textTooLarge(limitBytes: maximumFileBytes)) }
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw DatasetError(file: url, problem: .notUsableText(reason: "not UTF-8"))
        }
        guard let corpus = CharacterCorpus(text: text) else {
            throw DatasetError(file: url, problem: .notUsableText(reason: "\(text.unicodeScalars.count) characters, fewer than two"))
        }
        return corpus
    }

    /// The number of characters of the text.
    public var count: Int { indices.count }

    /// The indices of `text`, or `nil` when it uses a character outside the vocabulary.
    public func encode(_ text: String) -> [Int]? {
        var result: [Int] = []
        for scalar in text.unicodeScalars {
            guard let index = lookup[scalar] else { return nil }
            result.append(index)
        }
        return result
    }

    /// The text of vocabulary indices `indices` (each in `0..<vocabulary.count`).
    public func decode(_ indices: some Sequence<Int>) -> String {
        var text = String.UnicodeScalarView()
        for index in indices {
            require(vocabulary.indices.contains(index), "CharacterCorpus.decode: index \(index) is outside 0..<\(vocabulary.count)")
            text.append(vocabulary[index])
        }
        return String(text)
    }

    /// The text cut in two: the leading part for training and the last ⌈fraction · count⌉
    /// characters held out, so no held-out character is ever trained on. Throws
    /// `SequenceDataError.setting` unless the fraction is in (0, 1) and both parts have at least
    /// two characters.
    public func split(heldOutFraction fraction: Double) throws(SequenceDataError) -> (training: [Int], heldOut: [Int]) {
        guard fraction > 0, fraction < 1 else { throw .setting("held-out fraction \(fraction) must be in (0, 1)") }
        let heldOut = Int((fraction * Double(count)).rounded(.up))
        guard heldOut >= 2, count - heldOut >= 2 else {
            throw .setting("held-out fraction \(fraction) of \(count) characters leaves a part of fewer than two characters")
        }
        return (Array(indices[..<(count - heldOut)]), Array(indices[(count - heldOut)...]))
    }
}
