import Foundation
import Testing
@testable import DLNN

/// Forward and backward of every elementwise activation against a Double reference; each layer
/// instance is reused across shapes, which also exercises the resizing of its workspaces.
@Suite struct ElementwiseActivationTests {
    private func check(_ layer: any Layer, _ f: @escaping (Double) -> Double, sourceLocation: SourceLocation = #_sourceLocation) {
        for (index, shape) in activationTestShapes.enumerated() {
            #expect((try? layer.outputShape(for: shape)) == shape, sourceLocation: sourceLocation)
            checkGradients(
                of: layer, input: inputAwayFromZero(shape, seed: UInt64(index)),
                reference: { x, _ in x.map(f) }, sourceLocation: sourceLocation
            )
        }
    }

    @Test func relu() {
        check(ReLU()) { max(0, $0) }
    }

    @Test(arguments: [Float(0.01), 0.2, -0.5])
    func leakyReLU(slope: Float) {
        let s = Double(slope)
        check(LeakyReLU(negativeSlope: slope)) { $0 > 0 ? $0 : s * $0 }
    }

    @Test(arguments: [Float(1), 0.5])
    func elu(alpha: Float) {
        let a = Double(alpha)
        check(ELU(alpha: alpha)) { $0 > 0 ? $0 : a * (exp($0) - 1) }
    }

    @Test func sigmoid() throws {
        check(Sigmoid()) { 1 / (1 + exp(-$0)) }
    }

    @Test func tanh() throws {
        check(Tanh()) { Foundation.tanh($0) }
    }

    @Test func geluExact() throws {
        check(GELU()) { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) }
    }

    @Test func geluTanhApproximation() throws {
        check(GELU(approximation: .tanh)) { x in
            0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        }
    }

    @Test func saturatingActivationsStayFiniteForHugeInputs() throws {
        let x = Tensor([-1e4, -100, 0, 100, 1e4])
        #expect(Sigmoid().forward(x).scalars == [0, Float(exp(-100.0)), 0.5, 1, 1])
        #expect(Tanh().forward(x).scalars == [-1, -1, 0, 1, 1])
        #expect(ELU().forward(x).scalars == [-1, -1, 0, 100, 1e4])
        #expect(GELU().forward(x).scalars == [-0, -0, 0, 100, 1e4])
        let sigmoid = Sigmoid()
        _ = sigmoid.forward(x)
        #expect(sigmoid.backward(Tensor.ones([5])).scalars.allSatisfy { $0.isFinite })
    }

    @Test func reportsRoughFLOPsPerElement() throws {
        let shape: TensorShape = [2, 3, 4, 5]
        let counts = [ReLU().forwardFLOPs(for: shape), LeakyReLU().forwardFLOPs(for: shape), ELU().forwardFLOPs(for: shape),
                      Sigmoid().forwardFLOPs(for: shape), Tanh().forwardFLOPs(for: shape), GELU().forwardFLOPs(for: shape),
                      GELU(approximation: .tanh).forwardFLOPs(for: shape)]
        #expect(counts == [1, 2, 3, 4, 1, 5, 11].map { $0 * 120 })
    }
}
