import DLCore

/// The per-image passes of `Conv2D`'s im2col path for one chunk of images, split over
/// `BLAS.threadCount` threads between the GEMMs (which OpenBLAS threads itself): im2col, the
/// scatter of the chunk's product Y into NCHW with the bias, the gather of ∂L/∂y into the chunk's
/// matrix G, and col2im. A pass touching fewer than `parallelElements` floats runs on the calling
/// thread. The block closures are made once (a closure made per call would be allocated per call)
/// and read the chunk's storage from `operands`, set for the length of one pass.
final class Im2ColChunkPasses {
    let geometry: ConvolutionGeometry
    let outputChannels: Int

    /// The fewest floats a pass writes for it to be split over threads: waking a thread costs tens
    /// of microseconds, about what copying 256 K floats takes.
    static let parallelElements = 1 << 18

    private struct Operands {
        /// The first image of the chunk and the chunk's columns (images · Ho·Wo).
        var first = 0, columnCount = 0
        /// x (im2col), ∂L/∂y (gather) or the chunk's product Y (scatter).
        var source: UnsafePointer<Float>?
        /// X (im2col), G (gather), y (scatter) or ∂L/∂x (col2im).
        var destination: UnsafeMutablePointer<Float>?
        /// ∂L/∂X (col2im).
        var columnGradient: UnsafePointer<Float>?
        var bias: UnsafePointer<Float>?
    }
    private var operands = Operands()

    init(geometry: ConvolutionGeometry, outputChannels: Int) {
        self.geometry = geometry
        self.outputChannels = outputChannels
    }

    private lazy var im2colImages: (Int, Range<Int>) -> Void = { [unowned self] _, images in
        let g = geometry
        for k in images {
            Im2Col.im2col(
                image: operands.source! + (operands.first + k) * g.inputImageSize, geometry: g,
                columns: operands.destination! + k * g.outputPlaneSize, rowStride: operands.columnCount)
        }
    }
    private lazy var scatterChannels: (Int, Range<Int>) -> Void = { [unowned self] _, channels in
        let plane = geometry.outputPlaneSize
        let images = operands.columnCount / plane
        for o in channels {
            let bo = operands.bias?[o] ?? 0
            for k in 0..<images {
                let source = operands.source! + o * operands.columnCount + k * plane
                let destination = operands.destination! + ((operands.first + k) * outputChannels + o) * plane
                for p in 0..<plane { destination[p] = source[p] + bo }
            }
        }
    }
    private lazy var gatherImages: (Int, Range<Int>) -> Void = { [unowned self] _, images in
        let plane = geometry.outputPlaneSize
        for k in images {
            for o in 0..<outputChannels {
                (operands.destination! + o * operands.columnCount + k * plane)
                    .update(from: operands.source! + ((operands.first + k) * outputChannels + o) * plane, count: plane)
            }
        }
    }
    private lazy var col2imImages: (Int, Range<Int>) -> Void = { [unowned self] _, images in
        let g = geometry
        for k in images {
            Im2Col.col2im(
                columns: operands.columnGradient! + k * g.outputPlaneSize, rowStride: operands.columnCount, geometry: g,
                image: operands.destination! + (operands.first + k) * g.inputImageSize)
        }
    }

    /// Runs `body` over `count` items, split when the pass writes at least `parallelElements` floats.
    private func run(_ count: Int, writing elements: Int, threads: Int, _ body: @escaping (Int, Range<Int>) -> Void) {
        forEachBlock(of: count, width: elements >= Self.parallelElements ? threads : 1, body)
        operands = Operands()
    }

    /// X [Cin·kh·kw, n·Ho·Wo] of `images` of `input`, image `first + k` in columns k·Ho·Wo ..< (k + 1)·Ho·Wo.
    func writeColumns(of images: Range<Int>, from input: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>, threads: Int) {
        let columnCount = images.count * geometry.outputPlaneSize
        operands = Operands(first: images.lowerBound, columnCount: columnCount, source: input, destination: columns)
        run(images.count, writing: geometry.patchSize * columnCount, threads: threads, im2colImages)
    }

    /// y[n, o, :] = Y[o, (n − first)·Ho·Wo ..< (n − first + 1)·Ho·Wo] + b[o] for the images of the chunk.
    func scatter(
        _ product: UnsafePointer<Float>, images: Range<Int>, bias: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>,
        threads: Int
    ) {
        let columnCount = images.count * geometry.outputPlaneSize
        operands = Operands(first: images.lowerBound, columnCount: columnCount, source: product, destination: output, bias: bias)
        run(outputChannels, writing: outputChannels * columnCount, threads: threads, scatterChannels)
    }

    /// G[o, (n − first)·Ho·Wo + p] = ∂L/∂y[n, o, p] for the images of the chunk.
    func gather(
        _ outputGradient: UnsafePointer<Float>, images: Range<Int>, into matrix: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let columnCount = images.count * geometry.outputPlaneSize
        operands = Operands(first: images.lowerBound, columnCount: columnCount, source: outputGradient, destination: matrix)
        run(images.count, writing: outputChannels * columnCount, threads: threads, gatherImages)
    }

    /// Adds the columns of ∂L/∂X [Cin·kh·kw, n·Ho·Wo] back onto the images of the chunk in ∂L/∂x.
    func foldColumns(
        _ columnGradient: UnsafePointer<Float>, images: Range<Int>, into inputGradient: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let columnCount = images.count * geometry.outputPlaneSize
        operands = Operands(
            first: images.lowerBound, columnCount: columnCount, destination: inputGradient, columnGradient: columnGradient)
        run(images.count, writing: geometry.patchSize * columnCount, threads: threads, col2imImages)
    }
}
