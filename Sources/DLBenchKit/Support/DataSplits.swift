import DLNN
import Foundation

/// Training, validation and test sets of one data set, with the input normalization computed on
/// the training split only. The test set is evaluated once per trained model, at the end.
struct DataSplits {
    var name: String
    var training: ImageDataset
    var validation: ImageDataset
    var test: ImageDataset
    var normalization: InputNormalization

    /// Sizes of a `--quick` run: enough to see learning, small enough for a smoke test.
    static let quickSizes = (training: 4000, validation: 1000, test: 2000)
    /// Images held out of the training set for validation in a full run.
    static let validationCount = 5000
    /// The largest image (C·H·W values) dlbench trains on: the MLP's first layer alone then takes
    /// 2 GiB, a convolution's activations at batch 64 several.
    static let maximumImageSize = 1 << 20

    /// Loads MNIST from `directory` (default: the bundled copy) or a CIFAR folder, recognized
    /// by its `data_batch_1.bin` (CIFAR-10) or `train.bin` (CIFAR-100).
    static func load(directory: URL?, quick: Bool, seed: UInt64) throws -> DataSplits {
        let (name, train, test): (String, ImageDataset, ImageDataset)
        let fileManager = FileManager.default
        if let directory, fileManager.fileExists(atPath: directory.appendingPathComponent("data_batch_1.bin").path) {
            (name, (train, test)) = ("CIFAR-10", try CIFAR10.load(directory: directory))
        } else if let directory, fileManager.fileExists(atPath: directory.appendingPathComponent("train.bin").path) {
            (name, (train, test)) = ("CIFAR-100", try CIFAR100.load(directory: directory))
        } else {
            (name, (train, test)) = (displayName(of: directory), try MNIST.load(directory: directory ?? MNIST.bundledDirectory))
        }
        guard train.count >= 2 else {
            throw RunError("\(name): the training set has \(train.count) image\(train.count == 1 ? "" : "s"); at least 2 are needed (one is held out for validation)")
        }
        guard test.count >= 1 else { throw RunError("\(name): the test set has no images") }
        guard train.imageByteCount <= maximumImageSize else {
            throw RunError("\(name): images of \(shapeText(train.imageShape)) are larger than dlbench's models take (at most \(maximumImageSize) values per image)")
        }
        guard test.imageShape == train.imageShape else {
            throw RunError("\(name): training images are \(shapeText(train.imageShape)) but test images are \(shapeText(test.imageShape))")
        }
        let fraction = Double(validationCount) / Double(train.count)
        var split = train.split(validationFraction: min(fraction, 0.5), seed: seed)
        var testSet = test
        if quick {
            split.training = split.training.prefix(min(quickSizes.training, split.training.count))
            split.validation = split.validation.prefix(min(quickSizes.validation, split.validation.count))
            testSet = test.prefix(min(quickSizes.test, test.count))
        }
        return DataSplits(
            name: name, training: split.training, validation: split.validation, test: testSet,
            normalization: .perChannel(statisticsOf: split.training))
    }

    /// The name reports give an IDX folder: MNIST for the bundled one, Fashion-MNIST for the Debian
    /// package's, else the folder's name.
    private static func displayName(of directory: URL?) -> String {
        guard let directory else { return "MNIST" }
        return directory.lastPathComponent == "fashion-mnist" ? "Fashion-MNIST" : directory.lastPathComponent
    }

    /// A one-line description: `MNIST: 55000 training, 5000 validation, 10000 test images of 1×28×28`.
    var summary: String {
        "\(name): \(training.count) training, \(validation.count) validation, \(test.count) test images of \(training.channels)×\(training.height)×\(training.width)"
    }
}

/// `[3, 32, 32]` → `3×32×32`.
func shapeText(_ shape: TensorShape) -> String {
    shape.map(String.init).joined(separator: "×")
}
