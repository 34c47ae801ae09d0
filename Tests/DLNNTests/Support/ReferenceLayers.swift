@testable import DLNN

/// Naive double-precision forward passes of the structural layers, written straight from their
/// definitions (direct loops, no im2col, no BLAS), for `checkGradients`. Tensors are flat
/// row-major arrays; shapes are passed alongside. Hyper-parameters are read from the layer
/// under test, the arithmetic is all here.
enum Reference {
    /// The output extent along one axis, ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1.
    static func extent(_ n: Int, kernel k: Int, stride s: Int, padding p: Int, dilation d: Int = 1) -> Int {
        (n + 2 * p - d * (k - 1) - 1) / s + 1
    }

    /// y [N, out] = x [N, in] · Wᵀ + b, W [out, in].
    static func dense(_ x: [Double], weight: [Double], bias: [Double]?, inputSize: Int, outputSize: Int) -> [Double] {
        let batch = x.count / inputSize
        var y = [Double](repeating: 0, count: batch * outputSize)
        for n in 0..<batch {
            for o in 0..<outputSize {
                var sum = bias?[o] ?? 0
                for i in 0..<inputSize { sum += x[n * inputSize + i] * weight[o * inputSize + i] }
                y[n * outputSize + o] = sum
            }
        }
        return y
    }

    /// Direct grouped, strided, padded, dilated cross-correlation of x [N, Cin, H, W] with
    /// W [Cout, Cin/G, kh, kw], plus b [Cout].
    static func conv2D(_ x: [Double], inputShape: TensorShape, weight: [Double], bias: [Double]?, layer: Conv2D) -> [Double] {
        let (batch, inChannels, height, width) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (kh, kw) = layer.kernelSize
        let outChannels = layer.outputChannels
        let groupIn = inChannels / layer.groups, groupOut = outChannels / layer.groups
        let outHeight = extent(height, kernel: kh, stride: layer.stride.height, padding: layer.padding.height, dilation: layer.dilation.height)
        let outWidth = extent(width, kernel: kw, stride: layer.stride.width, padding: layer.padding.width, dilation: layer.dilation.width)
        var y = [Double](repeating: 0, count: batch * outChannels * outHeight * outWidth)
        for n in 0..<batch {
            for o in 0..<outChannels {
                let group = o / groupOut
                for i in 0..<outHeight {
                    for j in 0..<outWidth {
                        var sum = bias?[o] ?? 0
                        for c in 0..<groupIn {
                            for u in 0..<kh {
                                for v in 0..<kw {
                                    let row = i * layer.stride.height - layer.padding.height + u * layer.dilation.height
                                    let column = j * layer.stride.width - layer.padding.width + v * layer.dilation.width
                                    guard row >= 0, row < height, column >= 0, column < width else { continue }
                                    let input = x[((n * inChannels + group * groupIn + c) * height + row) * width + column]
                                    sum += weight[((o * groupIn + c) * kh + u) * kw + v] * input
                                }
                            }
                        }
                        y[((n * outChannels + o) * outHeight + i) * outWidth + j] = sum
                    }
                }
            }
        }
        return y
    }

    /// Pooling of x [N, C, H, W] with windows that see −∞ (`max`) or 0 (`average`) in the padding.
    /// The average divides by kh·kw when `countIncludePad`, else by the in-image positions.
    static func pool2D(
        _ x: [Double], inputShape: TensorShape, kernel: (height: Int, width: Int), stride: (height: Int, width: Int),
        padding: (height: Int, width: Int), max isMax: Bool, countIncludePad: Bool = true
    ) -> [Double] {
        let (planes, height, width) = (inputShape[0] * inputShape[1], inputShape[2], inputShape[3])
        let outHeight = extent(height, kernel: kernel.height, stride: stride.height, padding: padding.height)
        let outWidth = extent(width, kernel: kernel.width, stride: stride.width, padding: padding.width)
        var y: [Double] = []
        for plane in 0..<planes {
            for i in 0..<outHeight {
                for j in 0..<outWidth {
                    var best = -Double.infinity, sum = 0.0, inside = 0
                    for u in 0..<kernel.height {
                        for v in 0..<kernel.width {
                            let row = i * stride.height - padding.height + u
                            let column = j * stride.width - padding.width + v
                            guard row >= 0, row < height, column >= 0, column < width else { continue }
                            let value = x[(plane * height + row) * width + column]
                            best = Swift.max(best, value)
                            sum += value
                            inside += 1
                        }
                    }
                    y.append(isMax ? best : sum / Double(countIncludePad ? kernel.height * kernel.width : inside))
                }
            }
        }
        return y
    }
}
