import Foundation
import Testing
@testable import DLCore

/// `exponentialOfNonPositive`, `sigmoid` and `hyperbolicTangent` against libm in Double, on a
/// sweep through every binade they treat differently, the switch points and the special values.
@Suite struct SquashingTests {
    /// 3 ulp of 1: the kernels' 2 ulp plus the rounding of the Double reference to Float.
    static let tolerance = 3 * Double(Float.ulpOfOne)

    /// x from −100 to 100 in uneven steps, and the points where the formulas switch.
    static let arguments: [Float] = {
        var values: [Float] = [0, -Float.zero, 0.25, -0.25, Float(0.25).nextDown, -Float(0.25).nextDown, 1e-30, -1e-30, 1e-6, -87, -86.9, -87.4, -95, -103.2, -103.9, 87, 100, -100]
        var x: Float = -100
        while x < 100 {
            values.append(x)
            x += 0.001_37 * max(1, abs(x))
        }
        return values
    }()

    static func relativeError(_ value: Float, _ exact: Double) -> Double {
        exact == 0 ? Double(abs(value)) : abs(Double(value) - exact) / abs(exact)
    }

    @Test func exponentialMatchesLibmDownToItsClamp() {
        for x in Self.arguments where x <= 0 {
            let (value, exact) = (exponentialOfNonPositive(x), exp(Double(x)))
            if exact >= Double(Float.leastNormalMagnitude) {
                let error = Self.relativeError(value, exact)
                #expect(error <= Self.tolerance, "e^\(x): relative error \(error)")
            } else {
                // Subnormal: within one step 2⁻¹⁴⁹ of the exact value.
                #expect(abs(Double(value) - exact) <= Double(Float.leastNonzeroMagnitude), "e^\(x) = \(value), exact \(exact)")
            }
        }
        #expect(exponentialOfNonPositive(-104) == 0 && exponentialOfNonPositive(-.infinity) == 0)
        #expect(exponentialOfNonPositive(0) == 1)
        #expect(exponentialOfNonPositive(.nan).isNaN)
    }

    @Test func sigmoidMatchesLibm() {
        for x in Self.arguments where x >= -87 {  // below, σ(x) ≈ eˣ is subnormal (tested above)
            let error = Self.relativeError(sigmoid(x), 1 / (1 + exp(-Double(x))))
            #expect(error <= Self.tolerance, "σ(\(x)): relative error \(error)")
        }
        #expect(sigmoid(.infinity) == 1)
        #expect(sigmoid(-.infinity) == 0 && sigmoid(-1e4) == 0)
        #expect(sigmoid(.nan).isNaN)
    }

    @Test func hyperbolicTangentMatchesLibm() {
        for x in Self.arguments {
            let error = Self.relativeError(hyperbolicTangent(x), tanh(Double(x)))
            #expect(error <= Self.tolerance, "tanh(\(x)): relative error \(error)")
        }
        #expect(hyperbolicTangent(.infinity) == 1 && hyperbolicTangent(-.infinity) == -1)
        #expect(hyperbolicTangent(-Float.zero).sign == .minus)
        #expect(hyperbolicTangent(.nan).isNaN)
    }
}
