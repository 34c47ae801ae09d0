/// The squashing functions of gates and activations — σ and tanh — from one exponential written
/// out in arithmetic, so that a loop over them vectorizes: a call into libm's `expf`/`tanhf` stops
/// the compiler from vectorizing the loop, and a recurrent step spends most of its pointwise time
/// in those calls. Each is within 2 ulp of the exact value (relative error ≤ 2.4·10⁻⁷), NaN stays
/// NaN, and large |x| saturates to the limits (σ(−∞) = 0, tanh ±∞ = ±1).

/// eˣ for x ≤ 0:
///
///     eˣ = 2ᵏ·eʳ,   k = round(x / ln 2),   r = x − k·ln 2 ∈ [−ln 2 / 2, ln 2 / 2]
///
/// with k·ln 2 subtracted in two parts (Cody and Waite: a short high part makes k·hi exact), eʳ
/// by its Taylor series to r⁷ (truncation error below 6·10⁻⁹), and 2ᵏ as two powers of two built
/// in the exponent bits, each a normal float, so that a subnormal result (x < −87.3) is rounded
/// once; x is clamped at −104, below which eˣ rounds to 0. Adding 1.5·2²³ rounds x / ln 2 to an
/// integer that lands in the low mantissa bits, which gives k without a float-to-integer
/// conversion (a conversion traps on NaN and so blocks vectorizing).
@inlinable @inline(__always)
package func exponentialOfNonPositive(_ x: Float) -> Float {
    let x = max(x, -104)
    let roundingShift: Float = 12_582_912
    let shifted = x * 1.442_695_04 + roundingShift
    let k = shifted - roundingShift
    let r = (x - k * 0.693_359_375) - k * -2.121_944_4e-4
    var series: Float = 1 / 5040
    series = series * r + 1 / 720
    series = series * r + 1 / 120
    series = series * r + 1 / 24
    series = series * r + 1 / 6
    series = series * r + 1 / 2
    series = series * r + 1
    series = series * r + 1
    let exponent = Int32(bitPattern: shifted.bitPattern &- roundingShift.bitPattern)
    let half = exponent &>> 1
    return series * powerOfTwo(half) * powerOfTwo(exponent &- half)
}

/// 2ⁿ for −126 ≤ n ≤ 127, from its exponent bits.
@inlinable @inline(__always)
package func powerOfTwo(_ n: Int32) -> Float {
    Float(bitPattern: UInt32(bitPattern: (n &+ 127) &<< 23))
}

/// σ(x) = 1 / (1 + e⁻ˣ) for x ≥ 0 and eˣ / (1 + eˣ) for x < 0, from the one exponential
/// e = e^(−|x|) ≤ 1 and a select instead of a branch (random signs would mispredict it).
@inlinable @inline(__always)
package func sigmoid(_ x: Float) -> Float {
    let e = exponentialOfNonPositive(-abs(x))
    let r = 1 / (1 + e)
    return x >= 0 ? r : e * r
}

/// tanh x with the sign of x and, for a = |x|,
///
///     tanh a = (1 − e) / (1 + e),  e = e^(−2a)                      for a ≥ 1/4
///     tanh a = a − a³/3 + 2a⁵/15 − 17a⁷/315 + 62a⁹/2835              for a < 1/4
///
/// The series (error below 3·10⁻⁹ relative) avoids the cancellation in 1 − e near 0; both are
/// computed and one is selected, so there is no branch.
@inlinable @inline(__always)
package func hyperbolicTangent(_ x: Float) -> Float {
    let a = abs(x), a2 = a * a
    let series = a + a * a2 * (-1 / 3 + a2 * (2 / 15 + a2 * (-17 / 315 + a2 * (62 / 2835))))
    let e = exponentialOfNonPositive(-2 * a)
    let quotient = (1 - e) / (1 + e)
    return Float(signOf: x, magnitudeOf: a < 0.25 ? series : quotient)
}
