/// The memory behind one or more tensors: `capacity` floats, freed when the last tensor (or view)
/// using it goes away.
///
/// Tensors never write to a storage another tensor also uses: `Tensor` copies the elements it
/// views first (copy-on-write), so sharing is invisible except in speed.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<Float>
    @usableFromInline let capacity: Int

    /// Uninitialized storage for `capacity` floats; the caller writes every element it reads later.
    @usableFromInline
    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(capacity, 1))
    }

    /// Storage holding `count` copies of `value`.
    @usableFromInline
    convenience init(repeating value: Float, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
    }

    /// Storage holding a copy of `elements`.
    @usableFromInline
    convenience init(copying elements: UnsafeBufferPointer<Float>) {
        self.init(capacity: elements.count)
        if let source = elements.baseAddress { base.initialize(from: source, count: elements.count) }
    }

    deinit {
        base.deallocate()
    }
}
