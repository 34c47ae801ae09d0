import Foundation

/// Welch's unequal-variances t-test of two samples' means (Welch, 1947):
///
///     t = (x̄₁ − x̄₂) / √(s₁²/n₁ + s₂²/n₂)
///     ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1))   (Welch–Satterthwaite)
///     p = P(|T_ν| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, 1/2)                        (two-sided)
///
/// Two samples without spread have p = 0 when their means differ and p = 1 when they agree.
struct WelchTest {
    var t: Double
    var degreesOfFreedom: Double
    /// The two-sided p-value; NaN when a sample has fewer than two values.
    var pValue: Double

    /// The significance level of the findings: a difference is reported when p < 5%.
    static let significanceLevel = 0.05

    init(_ a: Summary, _ b: Summary) {
        guard a.count >= 2, b.count >= 2 else {
            (t, degreesOfFreedom, pValue) = (.nan, .nan, .nan)
            return
        }
        let (va, vb) = (a.variance / Double(a.count), b.variance / Double(b.count))
        let difference = a.mean - b.mean
        guard va + vb > 0 else {
            t = difference == 0 ? 0 : (difference > 0 ? .infinity : -.infinity)
            (degreesOfFreedom, pValue) = (.infinity, difference == 0 ? 1 : 0)
            return
        }
        t = difference / (va + vb).squareRoot()
        degreesOfFreedom = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        pValue = studentTTwoSidedPValue(t, degreesOfFreedom: degreesOfFreedom)
    }

    /// Whether the test could be run and found the means different at `significanceLevel`.
    var isSignificant: Bool { pValue < Self.significanceLevel }
}

/// A p-value for findings: "0.031", or "n/a" with one seed.
func pText(_ test: WelchTest) -> String {
    test.pValue.isNaN ? "n/a, one seed" : String(format: "%.3f", test.pValue)
}

/// P(|T| ≥ |t|) for Student's t with ν degrees of freedom: I_{ν/(ν+t²)}(ν/2, 1/2).
func studentTTwoSidedPValue(_ t: Double, degreesOfFreedom ν: Double) -> Double {
    guard t.isFinite else { return t.isNaN ? .nan : 0 }
    return regularizedIncompleteBeta(ν / (ν + t * t), a: ν / 2, b: 0.5)
}

/// The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), for a, b > 0 and x in [0, 1].
///
/// Evaluated by the continued fraction of Numerical Recipes §6.4 (modified Lentz), on x < (a+1)/(a+b+2)
/// directly and otherwise through I_x(a, b) = 1 − I_{1−x}(b, a), where it converges fast:
///
///     I_x(a, b) = xᵃ(1−x)ᵇ / (a·B(a, b)) · 1/(1+ d₁/(1+ d₂/(1+ …)))
///     d₂ₘ₊₁ = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)),   d₂ₘ = m(b−m)x / ((a+2m−1)(a+2m))
func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
    let logPowers: Double = a * log(x) + b * log(1 - x)
    let logFront = logPowers - logBeta
    if x >= (a + 1) / (a + b + 2) {
        return 1 - exp(logFront) * betaContinuedFraction(1 - x, a: b, b: a) / b
    }
    return exp(logFront) * betaContinuedFraction(x, a: a, b: b) / a
}

/// The continued fraction 1/(1+ d₁/(1+ d₂/(1+ …))) of `regularizedIncompleteBeta`, to relative precision 1e-15.
private func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var result = d
    for m in 1...300 {
        let m = Double(m)
        for numerator in [m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)), -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))] {
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
        }
        if abs(d * c - 1) < 1e-15 { break }
    }
    return result
}
