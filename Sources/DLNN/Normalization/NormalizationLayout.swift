/// How a normalization layer splits its input into statistics groups.
///
/// Every normalization layer sees its input as [N, C, S]: batch, channels, and S = the product of
/// the spatial axes (1 for vectors). A *plane* is the S contiguous elements of one (n, c); a
/// *statistics group* is a set of planes normalized with one mean and one variance; γ and β are
/// indexed by the channel c of the plane.
///
/// - `acrossBatch`: group c holds the planes (n, c) for every n (BatchNorm; also any layer that
///   normalizes with per-channel running statistics): N planes, `C·S` apart.
/// - `perSample(groups: G)`: group (n, g) holds the C/G consecutive planes (n, g·C/G …). These are
///   contiguous in memory. GroupNorm; InstanceNorm is G = C, LayerNorm is G = 1.
///
/// Plane k of group q starts at `q·groupStride + k·planeStride` and has channel
/// `(q mod channelCycle)·channelsPerGroup + k·channelStep`, so the kernels never divide per element;
/// they walk a group with `forEachRun(ofGroup:_:)` or `forEachPlane(ofGroup:_:)`.
struct NormalizationLayout {
    /// Which elements share a mean and a variance.
    enum Grouping {
        /// One group per channel, spanning the batch and the spatial axes.
        case acrossBatch
        /// Per sample, `groups` groups of C / `groups` consecutive channels and the spatial axes.
        case perSample(groups: Int)
    }

    let batchSize: Int
    let channels: Int
    let spatialSize: Int

    /// The number of statistics groups: C across the batch, N·G per sample.
    let groupCount: Int
    /// The number of planes in a group: N across the batch, C/G per sample.
    let planesPerGroup: Int
    /// The offset between the first elements of groups q and q + 1.
    let groupStride: Int
    /// The offset between the first elements of planes k and k + 1 of a group.
    let planeStride: Int
    private let channelCycle: Int
    private let channelsPerGroup: Int
    /// How the channel changes from plane k to plane k + 1 of a group (0 across the batch, 1 per sample).
    let channelStep: Int

    /// Describes input [`batchSize`, `channels`, `spatialSize`] grouped by `grouping`; with
    /// `perSample(groups:)`, `groups` must divide `channels` (the layers check it with their own message).
    init(batchSize: Int, channels: Int, spatialSize: Int, grouping: Grouping) {
        self.batchSize = batchSize
        self.channels = channels
        self.spatialSize = spatialSize
        switch grouping {
        case .acrossBatch:
            groupCount = channels
            planesPerGroup = batchSize
            groupStride = spatialSize
            planeStride = channels * spatialSize
            channelCycle = channels
            channelsPerGroup = 1
            channelStep = 0
        case .perSample(let groups):
            precondition(groups > 0 && channels % groups == 0, "NormalizationLayout: \(groups) groups for \(channels) channels")
            groupCount = batchSize * groups
            planesPerGroup = channels / groups
            groupStride = planesPerGroup * spatialSize
            planeStride = spatialSize
            channelCycle = groups
            channelsPerGroup = planesPerGroup
            channelStep = 1
        }
    }

    /// Views `shape` = [N, C, spatial…] as [N, C, S], or nil when `shape` does not have
    /// `channels` on axis 1 or its rank is not in `ranks`.
    init?(inputShape shape: TensorShape, channels: Int, ranks: ClosedRange<Int>, grouping: Grouping) {
        guard ranks.contains(shape.count), shape[1] == channels else { return nil }
        self.init(batchSize: shape[0], channels: channels, spatialSize: shape.dropFirst(2).reduce(1, *), grouping: grouping)
    }

    /// Calls `body(start, length)` for each maximal contiguous run of elements of `group`: the
    /// whole group per sample, each plane across the batch. For passes that ignore the channel.
    @inline(__always)
    func forEachRun(ofGroup group: Int, _ body: (_ start: Int, _ length: Int) -> Void) {
        let groupStart = group * groupStride
        if planeStride == spatialSize {
            body(groupStart, elementsPerGroup)
        } else if spatialSize == 1 {
            for plane in 0..<planesPerGroup { body(groupStart + plane * planeStride, 1) }
        } else {
            for plane in 0..<planesPerGroup { body(groupStart + plane * planeStride, spatialSize) }
        }
    }

    /// Calls `body(channel, start, length)` for each plane of `group`: `length` = S elements from
    /// `start`, all of channel `channel`.
    @inline(__always)
    func forEachPlane(ofGroup group: Int, _ body: (_ channel: Int, _ start: Int, _ length: Int) -> Void) {
        let groupStart = group * groupStride, firstChannel = firstChannel(ofGroup: group)
        if spatialSize == 1 {
            // Vectors (LayerNorm, BatchNorm after Dense): the constant length removes the inner loop.
            for plane in 0..<planesPerGroup { body(firstChannel + plane * channelStep, groupStart + plane * planeStride, 1) }
        } else {
            for plane in 0..<planesPerGroup { body(firstChannel + plane * channelStep, groupStart + plane * planeStride, spatialSize) }
        }
    }

    /// The number of elements m whose mean and variance a group takes.
    var elementsPerGroup: Int { planesPerGroup * spatialSize }

    /// The channel of the first plane of group `group`.
    @inline(__always)
    func firstChannel(ofGroup group: Int) -> Int {
        (group % channelCycle) * channelsPerGroup
    }

    /// The same input grouped one channel per group across the batch, as normalization with
    /// per-channel running statistics needs.
    var acrossBatch: NormalizationLayout {
        NormalizationLayout(batchSize: batchSize, channels: channels, spatialSize: spatialSize, grouping: .acrossBatch)
    }

    /// Whether every group lies in a single channel, so that its statistics belong to that channel
    /// (BatchNorm, InstanceNorm): the condition for updating per-channel running statistics.
    var groupsLieInOneChannel: Bool { channelStep == 0 || planesPerGroup == 1 }
}
