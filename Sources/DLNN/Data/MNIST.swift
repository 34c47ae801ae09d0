import Foundation

/// The MNIST handwritten digits (LeCun, Cortes and Burges): 60 000 training and 10 000 test
/// images of 1×28×28 bytes, 10 classes. The four official files ship with this repository in
/// `Data/mnist`, so nothing needs downloading.
///
/// Fashion-MNIST and KMNIST use the same file names and format: pass their folder to `load(directory:)`.
public enum MNIST {
    /// The folder of the MNIST files in this repository (`Data/mnist`), or the folder named by the
    /// environment variable `DLNN_MNIST_DIR` when it is set.
    public static var bundledDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["DLNN_MNIST_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        // This file is Sources/DLNN/Data/MNIST.swift; the data is Data/mnist at the repository's root.
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Data/mnist", isDirectory: true)
    }

    /// Loads the training and test sets from `directory`, which holds `train-images-idx3-ubyte`,
    /// `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`, each either
    /// as is or with a `.gz` suffix.
    ///
    /// Throws a `DatasetError` naming the file that is missing or malformed.
    public static func load(directory: URL = bundledDirectory) throws -> (train: ImageDataset, test: ImageDataset) {
        func file(_ name: String) -> URL {
            let compressed = directory.appendingPathComponent(name + ".gz")
            let plain = directory.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: compressed.path) || !FileManager.default.fileExists(atPath: plain.path)
                ? compressed : plain
        }
        let train = try ImageDataset.loadIDX(
            images: file("train-images-idx3-ubyte"), labels: file("train-labels-idx1-ubyte"), classCount: 10
        )
        let test = try ImageDataset.loadIDX(
            images: file("t10k-images-idx3-ubyte"), labels: file("t10k-labels-idx1-ubyte"), classCount: 10
        )
        return (train, test)
    }
}
