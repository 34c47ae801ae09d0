/// A layer replaced by two thinner layers through a truncated SVD of its weight (see `LowRankApproximation`):
/// y = second(first(x)), with no activation between them.
///
/// - A `Dense(in → out)` becomes `Dense(in → k, no bias)` then `Dense(k → out)`.
/// - A `Conv2D(Cin → Cout, kh×kw)` becomes, with `.channels`, `Conv2D(Cin → k, kh×kw, no bias)` then
///   a 1×1 `Conv2D(k → Cout)`; with `.spatial`, `Conv2D(Cin → k, kh×1, no bias)` then `Conv2D(k → Cout, 1×kw)`.
///
/// The original bias stays on `second`. Children are named `0` and `1`, as in a two-layer
/// `Sequential`, so parameters read `classifier.1.0.weight` and the checkpoint loads into the
/// equivalent PyTorch `nn.Sequential`. It trains like any layer (backward runs `second`, then `first`).
public final class LowRankLayer: ContainerLayer {
    /// The layer applied first: the input side of the factorization, without bias.
    public private(set) var first: any Layer
    /// The layer applied second: the output side, carrying the original bias.
    public private(set) var second: any Layer
    /// k: the number of singular triplets kept, the width between the two layers.
    public let rank: Int
    /// The replaced layer's summary, e.g. `Dense(784 → 1024)`.
    public let originalSummary: String
    /// Training or evaluation mode, for this container and every descendant (as PyTorch's `train()`/`eval()`).
    public var isTraining = true {
        didSet { for child in children { child.layer.isTraining = isTraining } }
    }

    /// Wraps two layers whose composition approximates the layer described by `originalSummary`.
    public init(first: any Layer, second: any Layer, rank: Int, originalSummary: String) {
        self.first = first
        self.second = second
        self.rank = rank
        self.originalSummary = originalSummary
    }

    public var children: [(name: String, layer: any Layer)] { [(name: "0", layer: first), (name: "1", layer: second)] }

    /// Replaces `first` (child `0`) or `second` (child `1`); `rank` and `originalSummary` keep
    /// describing the factorization the layer was built from.
    public func replaceChild(named name: String, with layer: any Layer) throws(ModulePathError) {
        switch name {
        case "0": first = layer
        case "1": second = layer
        default: throw missingChild(name)
        }
        ModelStructure.didChange()
    }

    /// `LowRank(Dense(784 → 1024), rank 64)`.
    public var summaryName: String { "LowRank(\(originalSummary), rank \(rank))" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        let middle = try outputShape(ofChild: first, named: "0", for: inputShape)
        return try outputShape(ofChild: second, named: "1", for: middle)
    }

    /// The FLOPs of both layers.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        first.forwardFLOPs(for: inputShape) + second.forwardFLOPs(for: first.requireOutputShape(for: inputShape))
    }

    /// y = second(first(x)).
    public func forward(_ input: Tensor) -> Tensor {
        second.forward(first.forward(input))
    }

    /// ∂L/∂x = first′ᵀ·(second′ᵀ·g); each layer adds its own parameter gradients.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        first.backward(second.backward(outputGradient))
    }
}
