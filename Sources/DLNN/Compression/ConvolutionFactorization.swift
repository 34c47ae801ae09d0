/// How a `Conv2D` weight W [Cout, Cin, kh, kw] is read as a matrix before its SVD, and which two
/// convolutions the rank-k factors become. Both are exact at full rank.
///
/// - `channels` (Denton et al., 2014; Zhang et al., 2015): W as [Cout, Cin·kh·kw];
///   `Conv2D(Cin → k, kh×kw)` with the original stride, padding and dilation, then a 1×1
///   `Conv2D(k → Cout)`. k·(Cin·kh·kw + Cout) weights, at most min(Cout, Cin·kh·kw) ranks.
/// - `spatial` (Jaderberg et al., 2014): W as [Cin·kh, Cout·kw] (rows (c, u), columns (o, v));
///   a vertical `Conv2D(Cin → k, kh×1)` with the height's stride, padding and dilation, then a
///   horizontal `Conv2D(k → Cout, 1×kw)` with the width's. k·(Cin·kh + Cout·kw) weights, at most
///   min(Cin·kh, Cout·kw) ranks.
///
/// Which is better when: `channels` removes redundancy across output filters and suits layers
/// with many outputs (Cout ≫ k); its cost is the k·Cin·kh·kw products of the first convolution.
/// `spatial` removes redundancy inside the kernel and is usually smaller at the same error for
/// kh, kw ≥ 3, and it is the one that can compress first layers with few input channels (for
/// Cin = 1, `channels` saves little: its rank is capped by Cout). But its vertical convolution
/// runs over every input column (it has no horizontal stride), so with a horizontal stride of 2
/// or more it costs more FLOPs than its parameter count suggests; prefer `channels` there.
public enum ConvolutionFactorization: String, Sendable, CaseIterable {
    /// kh×kw convolution to k channels, then 1×1 to Cout.
    case channels
    /// kh×1 convolution to k channels, then 1×kw to Cout.
    case spatial
}
