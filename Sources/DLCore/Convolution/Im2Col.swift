/// im2col and col2im for NCHW images: the kernels that turn a convolution into one GEMM.
///
/// The column matrix of an image has `patchSize` = C·kh·kw rows and Ho·Wo columns:
/// `columns[(c·kh + i)·kw + j, y·Wo + x] = image[c, y·sh − ph + i·dh, x·sw − pw + j·dw]`,
/// zero where that position falls in the padding. Rows are written `rowStride` apart, so the
/// columns of a whole batch can sit side by side in one [C·kh·kw, N·Ho·Wo] matrix
/// (image n at column offset n·Ho·Wo, `rowStride` = N·Ho·Wo) and feed a single GEMM.
///
/// `col2im` is the adjoint (transpose) of `im2col`: it adds every column entry back onto the
/// image position it came from, which is the input gradient of the convolution.
public enum Im2Col {
    /// Writes the column matrix of one image.
    @inlinable
    public static func im2col(
        image: UnsafePointer<Float>, geometry g: ConvolutionGeometry,
        columns: UnsafeMutablePointer<Float>, rowStride: Int
    ) {
        let (height, width) = (g.inputHeight, g.inputWidth)
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        var row = 0
        for c in 0..<g.channels {
            let plane = image + c * height * width
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    let destinationRow = columns + row * rowStride
                    let columnOffset = j * g.dilationWidth - g.paddingWidth
                    // The output columns x whose input column x·sw + columnOffset lies inside the image.
                    let (firstX, endX) = validRange(offset: columnOffset, stride: g.strideWidth, extent: width, outputs: outputWidth)
                    for y in 0..<outputHeight {
                        let destination = destinationRow + y * outputWidth
                        let inputY = y * g.strideHeight - g.paddingHeight + i * g.dilationHeight
                        guard inputY >= 0 && inputY < height && firstX < endX else {
                            destination.update(repeating: 0, count: outputWidth)
                            continue
                        }
                        let source = plane + inputY * width
                        if firstX > 0 { destination.update(repeating: 0, count: firstX) }
                        if g.strideWidth == 1 {
                            copyRow(from: source + firstX + columnOffset, to: destination + firstX, count: endX - firstX)
                        } else {
                            for x in firstX..<endX {
                                destination[x] = source[x * g.strideWidth + columnOffset]
                            }
                        }
                        if endX < outputWidth { (destination + endX).update(repeating: 0, count: outputWidth - endX) }
                    }
                    row += 1
                }
            }
        }
    }

    /// Adds the column matrix of one image back onto `image` (which is not cleared first).
    @inlinable
    public static func col2im(
        columns: UnsafePointer<Float>, rowStride: Int, geometry g: ConvolutionGeometry,
        image: UnsafeMutablePointer<Float>
    ) {
        let (height, width) = (g.inputHeight, g.inputWidth)
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        var row = 0
        for c in 0..<g.channels {
            let plane = image + c * height * width
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    let sourceRow = columns + row * rowStride
                    let columnOffset = j * g.dilationWidth - g.paddingWidth
                    let (firstX, endX) = validRange(offset: columnOffset, stride: g.strideWidth, extent: width, outputs: outputWidth)
                    for y in 0..<outputHeight {
                        let inputY = y * g.strideHeight - g.paddingHeight + i * g.dilationHeight
                        guard inputY >= 0 && inputY < height else { continue }
                        let source = sourceRow + y * outputWidth
                        let destination = plane + inputY * width
                        if g.strideWidth == 1 {
                            // Contiguous on both sides, so the loop vectorizes.
                            let shifted = destination + columnOffset
                            for x in firstX..<endX { shifted[x] += source[x] }
                        } else {
                            for x in firstX..<endX {
                                destination[x * g.strideWidth + columnOffset] += source[x]
                            }
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// Copies `count` floats between buffers that do not overlap. A convolution's rows are short
    /// (10 to 32 floats in LeNet and CIFAR nets) and there are many (≈ 100 000 per LeNet-5 step),
    /// so instead of a `memmove` call per row they are moved in 8-float vectors, the last one
    /// overlapping the one before it when `count` is not a multiple of 8.
    @inlinable @inline(__always)
    static func copyRow(from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
        typealias Vector = SIMD8<Float>
        guard count >= Vector.scalarCount else {
            for x in 0..<count { destination[x] = source[x] }
            return
        }
        guard count <= 64 else {
            destination.update(from: source, count: count)
            return
        }
        let (from, to) = (UnsafeRawPointer(source), UnsafeMutableRawPointer(destination))
        let stride = MemoryLayout<Vector>.stride
        let lastOffset = (count - Vector.scalarCount) * MemoryLayout<Float>.stride
        var offset = 0
        while offset < lastOffset {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: Vector.self), toByteOffset: offset, as: Vector.self)
            offset += stride
        }
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: lastOffset, as: Vector.self), toByteOffset: lastOffset, as: Vector.self)
    }

    /// The half-open range of outputs x with 0 ≤ x·stride + offset < extent.
    @inlinable
    static func validRange(offset: Int, stride: Int, extent: Int, outputs: Int) -> (Int, Int) {
        // First x with x·stride + offset ≥ 0, i.e. x ≥ ⌈−offset / stride⌉.
        let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        // End: first x with x·stride + offset ≥ extent.
        let end = extent - offset <= 0 ? 0 : (extent - offset + stride - 1) / stride
        return (Swift.min(first, outputs), Swift.max(Swift.min(end, outputs), Swift.min(first, outputs)))
    }
}

extension Tensor {
    /// The column matrix of an NCHW batch: shape [C·kh·kw, N·Ho·Wo], image n in columns n·Ho·Wo ..< (n+1)·Ho·Wo.
    public func im2col(geometry g: ConvolutionGeometry) -> Tensor {
        require(
            rank == 4 && shape[1] == g.channels && shape[2] == g.inputHeight && shape[3] == g.inputWidth,
            "im2col: input of shape \(describe(shape)) does not match geometry [N, \(g.channels), \(g.inputHeight), \(g.inputWidth)]"
        )
        let batch = shape[0]
        let columnCount = batch * g.outputPlaneSize
        return withUnsafeBufferPointer { images in
            Tensor(shape: [g.patchSize, columnCount]) { columns in
                for n in 0..<batch {
                    Im2Col.im2col(
                        image: images.baseAddress! + n * g.inputImageSize, geometry: g,
                        columns: columns.baseAddress! + n * g.outputPlaneSize, rowStride: columnCount)
                }
            }
        }
    }

    /// The adjoint of `im2col(geometry:)`: folds a [C·kh·kw, N·Ho·Wo] column matrix into an NCHW
    /// batch of `batchSize` images, summing overlapping contributions.
    public func col2im(geometry g: ConvolutionGeometry, batchSize: Int) -> Tensor {
        require(
            shape == [g.patchSize, batchSize * g.outputPlaneSize],
            "col2im: columns of shape \(describe(shape)) do not match geometry [\(g.patchSize), \(batchSize * g.outputPlaneSize)]"
        )
        var images = Tensor.zeros([batchSize, g.channels, g.inputHeight, g.inputWidth])
        withUnsafeBufferPointer { columns in
            images.withUnsafeMutableBufferPointer { imageBuffer in
                for n in 0..<batchSize {
                    Im2Col.col2im(
                        columns: columns.baseAddress! + n * g.outputPlaneSize, rowStride: shape[1], geometry: g,
                        image: imageBuffer.baseAddress! + n * g.inputImageSize)
                }
            }
        }
        return images
    }
}
