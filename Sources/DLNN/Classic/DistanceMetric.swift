import Foundation

/// The distance between two feature vectors a, b ∈ ℝᴰ that a `KNearestNeighbors` classifier ranks by.
public enum DistanceMetric: String, CaseIterable, Codable, Sendable {
    /// The Manhattan distance d₁(a, b) = Σᵢ |aᵢ − bᵢ|.
    case l1
    /// The Euclidean distance d₂(a, b) = √(Σᵢ (aᵢ − bᵢ)²).
    case l2

    /// The ranking value of a block of query rows against every reference row:
    /// d₁ for `.l1`, the squared distance d₂² for `.l2` (√ is monotone, so it ranks the same;
    /// `distance(fromRankingValue:)` converts).
    ///
    /// Shapes: `queries` [rows, D] and `references` [N, D], row-major and contiguous; `out` [rows, N].
    ///
    /// - `.l2`: d₂²(q, r) = ‖q‖² + ‖r‖² − 2·q·r: `out` is filled with ‖qᵢ‖² + ‖rⱼ‖², then ONE GEMM
    ///   adds −2·Q·Rᵀ (β = 1); rounding can leave tiny negatives, clamped to 0. `referenceSquaredNorms`
    ///   holds the N values ‖rⱼ‖² (`squaredNorms(of:)`), computed once per fit.
    /// - `.l1`: a plain loop over the D coordinates of each pair (`manhattanDistance`), over tiles of
    ///   reference rows that run concurrently and stay in cache for the whole block of queries.
    func rankingValues(
        queries: UnsafePointer<Float>, rows: Int, references: UnsafePointer<Float>, referenceCount: Int,
        dimension: Int, referenceSquaredNorms: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>
    ) {
        guard rows > 0, referenceCount > 0 else { return }
        switch self {
        case .l2:
            for i in 0..<rows {
                let query = queries + i * dimension
                let queryNorm = BLAS.dot(count: dimension, x: query, y: query)
                let row = out + i * referenceCount
                for j in 0..<referenceCount { row[j] = queryNorm + referenceSquaredNorms[j] }
            }
            BLAS.gemm(
                transposeA: false, transposeB: true, m: rows, n: referenceCount, k: dimension, alpha: -2,
                a: queries, lda: dimension, b: references, ldb: dimension, beta: 1, c: out, ldc: referenceCount)
            for index in 0..<rows * referenceCount where out[index] < 0 { out[index] = 0 }
        case .l1:
            // Tiles of reference rows, in parallel: a tile (64 rows, 200 KB at D = 784) stays in cache while
            // every query row of the block passes over it, so the references are read from memory once per
            // block instead of once per query (MNIST: 172 MB per query row otherwise). Each tile writes its own
            // columns of `out`; the addresses travel as integers because raw pointers are not Sendable.
            let tileRows = 64
            let (q, r, o) = (UInt(bitPattern: queries), UInt(bitPattern: references), UInt(bitPattern: out))
            DispatchQueue.concurrentPerform(iterations: (referenceCount + tileRows - 1) / tileRows) { tile in
                let queries = UnsafePointer<Float>(bitPattern: q)!, references = UnsafePointer<Float>(bitPattern: r)!
                let out = UnsafeMutablePointer<Float>(bitPattern: o)!
                let tileRange = (tile * tileRows)..<Swift.min(referenceCount, (tile + 1) * tileRows)
                for i in 0..<rows {
                    let query = queries + i * dimension, row = out + i * referenceCount
                    for j in tileRange {
                        row[j] = Self.manhattanDistance(query, references + j * dimension, dimension: dimension)
                    }
                }
            }
        }
    }

    /// Σᵢ |aᵢ − bᵢ| over `dimension` coordinates, eight at a time in SIMD lanes: the compiler does not
    /// reorder a scalar floating-point sum, so the eight partial sums are what makes the loop vectorize.
    @inline(__always)
    private static func manhattanDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int) -> Float {
        var lanes = SIMD8<Float>()
        var d = 0
        while d + 8 <= dimension {
            let x = UnsafeRawPointer(a + d).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b + d).loadUnaligned(as: SIMD8<Float>.self)
            // |x − y| by clearing the sign bits: the generic `pointwiseMax` is not specialized here and
            // took 70% of an L1 search.
            let magnitude = unsafeBitCast(x - y, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF
            lanes += unsafeBitCast(magnitude, to: SIMD8<Float>.self)
            d += 8
        }
        var sum = lanes.sum()
        while d < dimension {
            sum += abs(a[d] - b[d])
            d += 1
        }
        return sum
    }

    /// The distance for a value of `rankingValues`: itself for `.l1`, its square root for `.l2`.
    func distance(fromRankingValue value: Float) -> Float {
        switch self {
        case .l1: return value
        case .l2: return value.squareRoot()
        }
    }

    /// ‖rⱼ‖² of every row of a 2-D tensor [N, D] (one DOT per row), for `.l2`'s expansion.
    static func squaredNorms(of rows: Tensor) -> [Float] {
        let (count, dimension) = (rows.shape[0], rows.shape[1])
        return rows.withUnsafeBufferPointer { values in
            (0..<count).map { j in
                let row = values.baseAddress! + j * dimension
                return BLAS.dot(count: dimension, x: row, y: row)
            }
        }
    }
}
