/// Principal component analysis of data X [N, D] (Pearson 1901; Hotelling 1933), through the SVD
/// of the centered data: X − μ = U·S·Vᵀ, so the principal directions are the rows of Vᵀ and the
/// variance along row i is sᵢ² / (N − 1).
///
///     let pca = try PrincipalComponents(fitting: trainingFeatures)
///     let reduced = pca.transform(testFeatures, components: 32)     // [M, 32]
///
/// Keeps r = min(N, D) components: `components` [r, D] with orthonormal rows, `variances` [r]
/// in descending order. Each component's sign is fixed so that its entry of largest magnitude is
/// positive (the SVD leaves it arbitrary), so the same data always give the same components.
///
/// Saved and loaded with `Codable` (e.g. `JSONEncoder`) under the keys `mean` [D],
/// `components` (r rows of D values) and `variances` [r]: simpler than a weights file for a fitted
/// transform that is no network layer.
public struct PrincipalComponents: Sendable, Equatable, Codable {
    /// μ, the mean of the fitted rows, [D].
    public let mean: Tensor
    /// The principal directions as rows, [r, D], orthonormal, largest variance first.
    public let components: Tensor
    /// The variance of the fitted data along each component, [r], descending.
    public let variances: Tensor

    /// Fits the components of `data` [N, D] (N ≥ 2). Throws the `LAPACKError` of the SVD, e.g. for non-finite data.
    public init(fitting data: Tensor) throws {
        require(data.rank == 2 && data.shape[0] >= 2 && data.shape[1] >= 1, "PrincipalComponents: data must be [N ≥ 2, D ≥ 1], got \(describe(data.shape))")
        let mean = data.mean(alongAxis: 0)
        let svd = try LAPACK.svd(Self.centered(data, mean: mean))
        let (rank, dimension) = (svd.vt.shape[0], svd.vt.shape[1])
        var directions = svd.vt
        directions.withUnsafeMutableBufferPointer { rows in
            for i in 0..<rank {
                let row = UnsafeMutableBufferPointer(rebasing: rows[(i * dimension)..<((i + 1) * dimension)])
                let largest = row.indices.max { abs(row[$0]) < abs(row[$1]) }!
                if row[largest] < 0 { for j in row.indices { row[j] = -row[j] } }
            }
        }
        self.mean = mean
        self.components = directions
        self.variances = svd.singularValues.map { $0 * $0 / Float(data.shape[0] - 1) }
    }

    /// Restores fitted components, e.g. decoded ones; shapes must be [D], [r, D] and [r].
    public init(mean: Tensor, components: Tensor, variances: Tensor) {
        require(
            mean.rank == 1 && components.rank == 2 && components.shape[1] == mean.count && variances.shape == [components.shape[0]],
            "PrincipalComponents: mean \(describe(mean.shape)), components \(describe(components.shape)) and variances \(describe(variances.shape)) do not fit")
        self.mean = mean
        self.components = components
        self.variances = variances
    }

    /// r, the number of components kept.
    public var componentCount: Int { components.shape[0] }

    /// The fraction of the total variance along each component: varianceᵢ / Σⱼ varianceⱼ.
    public var explainedVarianceRatios: [Double] {
        let total = variances.scalars.reduce(0.0) { $0 + Double($1) }
        return variances.scalars.map { Double($0) / total }
    }

    /// The coordinates of `data` [M, D] on the first `components` directions: (x − μ)·V_mᵀ, [M, m]
    /// (one GEMM). All r by default.
    public func transform(_ data: Tensor, components count: Int? = nil) -> Tensor {
        let count = count ?? componentCount
        require((1...componentCount).contains(count), "PrincipalComponents.transform: \(count) components outside 1...\(componentCount)")
        require(data.rank == 2 && data.shape[1] == mean.count, "PrincipalComponents.transform: data must be [M, \(mean.count)], got \(describe(data.shape))")
        return matmul(Self.centered(data, mean: mean), components.slice(batch: 0..<count), transposeB: true)
    }

    /// x ≈ p·V_m + μ for coordinates `projection` [M, m] on the first m components, [M, D]:
    /// exact (up to rounding) for the fitted rows at m = r.
    public func reconstruction(from projection: Tensor) -> Tensor {
        let count = projection.shape.count == 2 ? projection.shape[1] : -1
        require((1...componentCount).contains(count), "PrincipalComponents.reconstruction: projection must be [M, m ≤ \(componentCount)], got \(describe(projection.shape))")
        var result = matmul(projection, components.slice(batch: 0..<count))
        Self.addToEveryRow(&result, mean, sign: 1)
        return result
    }

    /// PCA whitening: the coordinates on the first `components` directions divided by
    /// √(varianceᵢ + ε), [M, m]. On the fitted data the result has (almost) identity covariance;
    /// ε keeps directions of (near) zero variance from blowing up.
    public func whitened(_ data: Tensor, components count: Int? = nil, epsilon: Float = 1e-5) -> Tensor {
        var projection = transform(data, components: count)
        let width = projection.shape[1]
        let scales = (0..<width).map { 1 / (variances.scalars[$0] + epsilon).squareRoot() }
        projection.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] *= scales[index % width] }
        }
        return projection
    }

    /// ZCA whitening (Bell and Sejnowski, 1997): PCA whitening on all r components rotated back,
    /// z·V, [M, D]: identity covariance (at r = D) while staying as close as possible to the input.
    public func zcaWhitened(_ data: Tensor, epsilon: Float = 1e-5) -> Tensor {
        matmul(whitened(data, epsilon: epsilon), components)
    }

    /// x − μ for every row of `data` [N, D].
    private static func centered(_ data: Tensor, mean: Tensor) -> Tensor {
        var result = data
        addToEveryRow(&result, mean, sign: -1)
        return result
    }

    /// rows ← rows + sign·v for every row of `matrix` [N, D] and `vector` [D].
    private static func addToEveryRow(_ matrix: inout Tensor, _ vector: Tensor, sign: Float) {
        let width = vector.count
        vector.withUnsafeBufferPointer { v in
            matrix.withUnsafeMutableBufferPointer { values in
                for index in values.indices { values[index] += sign * v[index % width] }
            }
        }
    }

    private enum CodingKeys: String, CodingKey { case mean, components, variances }

    /// Decodes `mean` [D], `components` (r rows of D values) and `variances` [r].
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode([[Float]].self, forKey: .components)
        let mean = Tensor(try container.decode([Float].self, forKey: .mean))
        let variances = Tensor(try container.decode([Float].self, forKey: .variances))
        guard rows.allSatisfy({ $0.count == mean.count }), variances.count == rows.count, !rows.isEmpty else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath,
                debugDescription: "PrincipalComponents: \(rows.count) components, \(variances.count) variances and a mean of \(mean.count) values do not fit"))
        }
        self.init(mean: mean, components: Tensor(rows: rows), variances: variances)
    }

    /// Encodes `mean` [D], `components` (r rows of D values) and `variances` [r].
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mean.scalars, forKey: .mean)
        let width = mean.count
        try container.encode((0..<componentCount).map { Array(components.scalars[($0 * width)..<(($0 + 1) * width)]) }, forKey: .components)
        try container.encode(variances.scalars, forKey: .variances)
    }
}
