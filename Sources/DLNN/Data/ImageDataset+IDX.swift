import Foundation

extension ImageDataset {
    /// Loads an IDX pair: an images file of unsigned bytes, N×H×W (one channel) or N×C×H×W, and a
    /// labels file of N unsigned bytes; either may be gzip-compressed.
    ///
    /// `classCount` defaults to the largest label plus one. Throws a `DatasetError` naming the file
    /// when one is missing or malformed, when the files disagree on N, when a size is zero (no
    /// images, or images of no pixels), or when a label is not below `classCount`.
    public static func loadIDX(images imagesURL: URL, labels labelsURL: URL, classCount: Int? = nil) throws -> ImageDataset {
        let imageFile = try IDXFile.read(
            contentsOf: imagesURL,
            accepting: [IDXArray.magicNumber(of: .unsignedByte, rank: 3), IDXArray.magicNumber(of: .unsignedByte, rank: 4)]
        )
        let labelFile = try IDXFile.read(contentsOf: labelsURL, accepting: [IDXArray.magicNumber(of: .unsignedByte, rank: 1)])
        let dimensions = imageFile.dimensions
        guard dimensions[0] == labelFile.dimensions[0] else {
            throw DatasetError(
                file: imagesURL,
                problem: .countMismatch(count: dimensions[0], otherFile: labelsURL, otherCount: labelFile.dimensions[0])
            )
        }
        let labels = labelFile.bytes.map(Int.init)
        let classes = classCount ?? ((labels.max() ?? -1) + 1)
        if let bad = labels.firstIndex(where: { $0 >= classes }) {
            throw DatasetError(file: labelsURL, problem: .labelOutOfRange(label: labels[bad], sample: bad, classCount: classes))
        }
        let (channels, height, width) = dimensions.count == 3
            ? (1, dimensions[1], dimensions[2])
            : (dimensions[1], dimensions[2], dimensions[3])
        guard dimensions[0] > 0, channels > 0, height > 0, width > 0 else {
            throw DatasetError(file: imagesURL, problem: .emptyImages(dimensions: dimensions))
        }
        return ImageDataset(images: imageFile.bytes, labels: labels, channels: channels, height: height, width: width, classCount: classes)
    }
}
