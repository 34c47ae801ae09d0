/// The affine map z = a·Wᵀ + b over raw rows that the recurrent layers apply to every time step
/// at once (inputs) or step by step (states), and its parameter gradients:
///
///     z [rows, out] = a [rows, in]·Wᵀ + b        W [out, in], b [out]
///     ∂L/∂W += ∂L/∂zᵀ·a          ∂L/∂b += Σ rows of ∂L/∂z
enum Projection {
    /// z ← a·Wᵀ + b: every row of z starts as b, then one GEMM adds a·Wᵀ.
    static func apply(_ weight: Parameter, _ bias: Parameter, to a: UnsafePointer<Float>, rows: Int, into z: UnsafeMutablePointer<Float>) {
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        bias.value.withUnsafeBufferPointer { b in
            for row in 0..<rows { (z + row * outputs).update(from: b.baseAddress!, count: outputs) }
        }
        weight.value.withUnsafeBufferPointer { w in
            BLAS.gemm(
                transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs,
                a: a, lda: inputs, b: w.baseAddress!, ldb: inputs,
                beta: 1, c: z, ldc: outputs)
        }
    }

    /// ∂L/∂W += gᵀ·a and ∂L/∂b += Σ rows of g, for g = ∂L/∂z [rows, out] and a [rows, in];
    /// frozen parameters are skipped.
    static func accumulateGradients(
        _ weight: Parameter, _ bias: Parameter, outputGradient g: UnsafePointer<Float>, input a: UnsafePointer<Float>, rows: Int
    ) {
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        guard rows > 0 else { return }
        if weight.isTrainable {
            weight.withUnsafeMutableGradient { dw in
                BLAS.gemm(
                    transposeA: true, transposeB: false, m: outputs, n: inputs, k: rows,
                    a: g, lda: outputs, b: a, ldb: inputs, beta: 1, c: dw.baseAddress!, ldc: inputs)
            }
        }
        if bias.isTrainable {
            bias.withUnsafeMutableGradient { db in
                for row in 0..<rows { BLAS.axpy(count: outputs, alpha: 1, x: g + row * outputs, y: db.baseAddress!) }
            }
        }
    }

    /// ∂L/∂a [rows, in] ← g·W (with `accumulate`, ∂L/∂a += g·W), for g = ∂L/∂z [rows, out].
    static func inputGradient(
        _ weight: Parameter, outputGradient g: UnsafePointer<Float>, rows: Int, into da: UnsafeMutablePointer<Float>, accumulate: Bool = false
    ) {
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        weight.value.withUnsafeBufferPointer { w in
            BLAS.gemm(
                transposeA: false, transposeB: false, m: rows, n: inputs, k: outputs,
                a: g, lda: outputs, b: w.baseAddress!, ldb: inputs, beta: accumulate ? 1 : 0, c: da, ldc: inputs)
        }
    }
}
