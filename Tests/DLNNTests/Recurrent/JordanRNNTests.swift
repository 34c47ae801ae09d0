import Foundation
import Testing
@testable import DLNN

/// `JordanRNN` against a Double reference of its equations: forward, and the gradients with
/// respect to x, y_0 and every parameter by central differences of L = R·y + R_T·y_T.
@Suite struct JordanRNNTests {
    static let (length, rows, inputSize, hiddenSize, outputSize) = (4, 2, 3, 5, 2)

    /// y [T, N, O] and y_T for x [T, N, I], y_0 [N, O] and θ = (W_ih, b_ih, W_yh, b_yh, W_hy, b_hy).
    static func reference(_ x: [Double], y0: [Double], _ theta: [[Double]], relu: Bool) -> (output: [Double], final: [Double]) {
        let (wih, bih, wyh, byh, why, bhy) = (theta[0], theta[1], theta[2], theta[3], theta[4], theta[5])
        var previous = y0, output: [Double] = []
        for t in 0..<length {
            var y = [Double](repeating: 0, count: rows * outputSize)
            for n in 0..<rows {
                var h = [Double](repeating: 0, count: hiddenSize)
                for j in 0..<hiddenSize {
                    var a = bih[j] + byh[j]
                    for i in 0..<inputSize { a += wih[j * inputSize + i] * x[(t * rows + n) * inputSize + i] }
                    for k in 0..<outputSize { a += wyh[j * outputSize + k] * previous[n * outputSize + k] }
                    h[j] = relu ? max(a, 0) : tanh(a)
                }
                for k in 0..<outputSize {
                    var z = bhy[k]
                    for j in 0..<hiddenSize { z += why[k * hiddenSize + j] * h[j] }
                    y[n * outputSize + k] = tanh(z)
                }
            }
            output += y
            previous = y
        }
        return (output, previous)
    }

    static func makeLayer(relu: Bool) -> JordanRNN {
        var generator = SeededGenerator(seed: 5)
        return JordanRNN(inputSize: inputSize, hiddenSize: hiddenSize, outputSize: outputSize, nonlinearity: relu ? .relu : .tanh, generator: &generator)
    }

    @Test(arguments: [false, true])
    func backwardWithCarriedStateMatchesFiniteDifferences(relu: Bool) {
        let layer = Self.makeLayer(relu: relu)
        let x = randomInput([Self.length, Self.rows, Self.inputSize], seed: 1)
        let y0 = randomInput([1, Self.rows, Self.outputSize], seed: 2).map { 0.5 * $0 }
        let (output, finalState) = layer.forward(x, initialState: RecurrentState(hidden: y0))
        let (r, rFinal) = (randomInput(output.shape, seed: 3), randomInput([1, Self.rows, Self.outputSize], seed: 4))
        let (outputValues, finalValues) = (doubles(output), doubles(finalState.hidden))
        layer.zeroGradients()
        let gradients = layer.backward(r, finalStateGradient: RecurrentState(hidden: rFinal))

        let (xs, ys, theta) = (doubles(x), doubles(y0), layer.parameters.map { doubles($0.value) })
        func loss(_ x: [Double], _ y0: [Double], _ theta: [[Double]]) -> Double {
            let result = Self.reference(x, y0: y0, theta, relu: relu)
            return innerProduct(result.output, doubles(r)) + innerProduct(result.final, doubles(rFinal))
        }
        let expected = Self.reference(xs, y0: ys, theta, relu: relu)
        #expect(relativeError(outputValues, expected.output) < 1e-5)
        #expect(relativeError(finalValues, expected.final) < 1e-5)
        #expect(relativeError(doubles(gradients.inputGradient), numericGradient(of: { loss($0, ys, theta) }, at: xs)) < 1e-4)
        #expect(relativeError(doubles(gradients.initialStateGradient.hidden), numericGradient(of: { loss(xs, $0, theta) }, at: ys)) < 1e-4)
        for (p, parameter) in layer.parameters.enumerated() {
            let numeric = numericGradient(of: { value in
                var perturbed = theta
                perturbed[p] = value
                return loss(xs, ys, perturbed)
            }, at: theta[p])
            #expect(relativeError(doubles(parameter.gradient), numeric) < 1e-4, "∂L/∂\(parameter.name)")
        }
    }

    @Test func layerBackwardMatchesFiniteDifferences() {
        let layer = Self.makeLayer(relu: false)
        let zeros = [Double](repeating: 0, count: Self.rows * Self.outputSize)
        checkGradients(of: layer, input: randomInput([Self.length, Self.rows, Self.inputSize], seed: 6)) { x, theta in
            Self.reference(x, y0: zeros, theta, relu: false).output
        }
    }

    @Test func shapesAndNames() throws {
        let layer = Self.makeLayer(relu: false)
        #expect(try layer.outputShape(for: [7, 3, Self.inputSize]) == [7, 3, Self.outputSize])
        #expect(layer.parameters.map(\.name) == ["weight_ih", "bias_ih", "weight_yh", "bias_yh", "weight_hy", "bias_hy"])
        #expect(throws: ShapeError.self) { try layer.outputShape(for: [7, 3, Self.inputSize + 1]) }
    }
}
