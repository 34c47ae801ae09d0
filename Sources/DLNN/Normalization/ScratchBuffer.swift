/// A small buffer of scalars owned by a kernel and reused from call to call.
///
/// Hot loops read and write it through `base` without the exclusivity and uniqueness checks an
/// `Array` stored in a class costs on every access. The storage is reallocated only when the
/// count changes, so steady-state training allocates nothing.
struct ScratchBuffer<Element: BitwiseCopyable>: ~Copyable {
    /// The first element; valid until the next `resize(to:)`.
    private(set) var base: UnsafeMutablePointer<Element>
    /// The number of elements.
    private(set) var count = 0

    init() {
        base = .allocate(capacity: 0)
    }

    /// Makes the buffer hold `newCount` elements, all `value` when the count changes; otherwise
    /// keeps the storage and its contents.
    mutating func resize(to newCount: Int, filling value: Element) {
        guard newCount != count else { return }
        base.deallocate()
        base = .allocate(capacity: newCount)
        base.initialize(repeating: value, count: newCount)
        count = newCount
    }

    /// Sets every element to `value`.
    func fill(with value: Element) {
        base.update(repeating: value, count: count)
    }

    deinit {
        base.deallocate()
    }
}
