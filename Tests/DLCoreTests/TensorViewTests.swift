import Testing
@testable import DLCore

@Suite struct TensorViewTests {
    private func base(_ tensor: Tensor) -> UnsafePointer<Float> { tensor.withUnsafeBufferPointer { $0.baseAddress! } }

    @Test func batchSlicesAndEntriesShareStorage() {
        let sequence = Tensor(shape: [4, 2, 3], scalars: (0..<24).map(Float.init))
        let steps = sequence.slice(batch: 1..<3)
        #expect(steps.shape == [2, 2, 3])
        #expect(steps.scalars == (6..<18).map(Float.init))
        #expect(base(steps) == base(sequence) + 6)
        let step = sequence.entry(3)
        #expect(step.shape == [2, 3])
        #expect(step.scalars == (18..<24).map(Float.init))
        #expect(base(step) == base(sequence) + 18)
        // A view of a view, and a row of a matrix.
        #expect(steps.entry(1).entry(0).scalars == [12, 13, 14])
        #expect(base(steps.entry(1)) == base(sequence) + 12)
    }

    @Test func writingAViewCopiesItAndLeavesTheOriginal() {
        let original = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        var row = original.entry(1)
        row.fill(with: 9)
        #expect(row.scalars == [9, 9])
        #expect(original.scalars == [1, 2, 3, 4, 5, 6])
        #expect(base(row) != base(original) + 2)
    }

    @Test func writingTheOriginalLeavesAViewAsItWas() {
        var original = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let view = original.slice(batch: 0..<2)
        original.fill(with: 0)
        #expect(view.scalars == [1, 2, 3, 4])
        #expect(original.scalars == [0, 0, 0, 0, 0, 0])
    }

    @Test func aViewWhoseParentIsGoneWritesInPlace() {
        var view = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]).entry(2)
        let before = base(view)
        view.fill(with: 7)
        #expect(base(view) == before)
        #expect(view.scalars == [7, 7])
    }

    @Test func copiesAreValuesUntilWritten() {
        var a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = a
        #expect(base(a) == base(b))
        a[0, 1] = 20
        #expect(a.scalars == [1, 20, 3, 4])
        #expect(b.scalars == [1, 2, 3, 4])
        var unique = Tensor.zeros([8])
        let address = base(unique)
        unique.fill(with: 1)
        #expect(base(unique) == address)
    }

    @Test func writingEntriesInPlace() {
        var output = Tensor.zeros([3, 2])
        let address = base(output)
        output.withUnsafeMutableBufferPointer(entries: 1..<3) { part in
            #expect(part.count == 4)
            for i in part.indices { part[i] = Float(i + 1) }
        }
        #expect(output.scalars == [0, 0, 1, 2, 3, 4])
        #expect(base(output) == address)
    }

    @Test func reshapingAViewKeepsItsElements() {
        let matrix = Tensor(shape: [4, 3], scalars: (0..<12).map(Float.init))
        let middle = matrix.slice(batch: 1..<3).reshaped([3, 2])
        #expect(middle.scalars == [3, 4, 5, 6, 7, 8])
        #expect(middle == Tensor(shape: [3, 2], scalars: [3, 4, 5, 6, 7, 8]))
    }

    @Test func resizeKeepsStorageOfTheSameSize() {
        var workspace = Tensor.zeros([4, 6])
        let address = base(workspace)
        workspace.resize(to: [2, 3, 4])
        #expect(base(workspace) == address)
        workspace.resize(to: [5])
        #expect(workspace.scalars == [0, 0, 0, 0, 0])
    }
}

@Suite struct TensorShapeTests {
    @Test func readsAndWritesLikeAnArray() {
        var shape: TensorShape = [64, 1, 28, 28]
        #expect(shape.count == 4)
        #expect(shape.elementCount == 64 * 784)
        shape[0] = 32
        #expect(Array(shape) == [32, 1, 28, 28])
        #expect(shape.droppingFirst == [1, 28, 28])
        #expect(shape.removing(axis: 2) == [32, 1, 28])
        #expect(shape.replacing(axis: 1, with: 3) == [32, 3, 28, 28])
        #expect(([8] as TensorShape) + shape.droppingFirst == [8, 1, 28, 28])
        #expect(shape.description == "[32, 1, 28, 28]")
        #expect(TensorShape().elementCount == 1)
    }

    @Test func ranksAboveTheInlineOnesWork() {
        let extents = Array(1...8)
        let shape = TensorShape(extents)
        #expect(Array(shape) == extents)
        #expect(shape.elementCount == 40320)
        #expect(shape.droppingFirst == TensorShape(Array(2...8)))
        #expect(shape.removing(axis: 7) == TensorShape(Array(1...7)))
        #expect(([1, 2, 3] as TensorShape) + [4, 5, 6, 7] == TensorShape(Array(1...7)))
        #expect(Tensor.zeros(shape).count == 40320)
    }

    @Test func equalShapesHashAlike() {
        let a: TensorShape = [2, 3]
        let b = TensorShape([2, 3, 4].prefix(2))
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != [3, 2])
        #expect(a != [2, 3, 1])
    }
}
