import Foundation

/// CIFAR-10: 50 000 training and 10 000 test colour images of 3×32×32 bytes in 10 classes.
///
/// Not shipped with the project: download the binary version (`cifar-10-binary.tar.gz`), unpack it
/// and pass the folder `cifar-10-batches-bin` to `load(directory:)`.
public enum CIFAR10 {
    /// Loads `data_batch_1.bin` … `data_batch_5.bin` as the training set and `test_batch.bin` as the test set.
    public static func load(directory: URL) throws -> (train: ImageDataset, test: ImageDataset) {
        let trainFiles = (1...5).map { directory.appendingPathComponent("data_batch_\($0).bin") }
        let train = try CIFARFile.read(contentsOf: trainFiles, format: .cifar10)
        let test = try CIFARFile.read(contentsOf: [directory.appendingPathComponent("test_batch.bin")], format: .cifar10)
        return (train, test)
    }
}

/// CIFAR-100: 50 000 training and 10 000 test colour images of 3×32×32 bytes in 100 classes grouped into 20 superclasses.
///
/// Not shipped with the project: download the binary version (`cifar-100-binary.tar.gz`), unpack it
/// and pass the folder `cifar-100-binary` to `load(directory:fineLabels:)`.
public enum CIFAR100 {
    /// Loads `train.bin` and `test.bin`, labelled with the 100 fine classes or, if `fineLabels` is false, the 20 superclasses.
    public static func load(directory: URL, fineLabels: Bool = true) throws -> (train: ImageDataset, test: ImageDataset) {
        let format: CIFARFile.Format = fineLabels ? .cifar100Fine : .cifar100Coarse
        let train = try CIFARFile.read(contentsOf: [directory.appendingPathComponent("train.bin")], format: format)
        let test = try CIFARFile.read(contentsOf: [directory.appendingPathComponent("test.bin")], format: format)
        return (train, test)
    }
}
