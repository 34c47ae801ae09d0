import Testing
@testable import DLCore

@Suite struct TensorTests {
    @Test func copyOnWriteReallyCopies() {
        let a = Tensor([1, 2, 3])
        var b = a
        b[1] = 20
        #expect(a == Tensor([1, 2, 3]))
        #expect(b == Tensor([1, 20, 3]))
        var c = a.reshaped([3, 1])
        c.scale(by: 2)
        #expect(a.scalars == [1, 2, 3])
    }

    @Test func reshapeInfersOneExtent() {
        let t = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        #expect(t.reshaped([-1, 4]).shape == [6, 4])
        #expect(t.reshaped([2, -1]).shape == [2, 12])
        #expect(t.flattened().shape == [24])
        #expect(t.flattenedBatch().shape == [2, 12])
        #expect(t[1, 2, 3] == 23)
    }

    @Test func reshapeErrorNamesBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshaped([4, 2])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("reshape: [2, 3] → [4, 2]"))
        }
    }

    @Test func reductionsAlongEachAxis() {
        // t[i, j, k] = 100i + 10j + k
        let t = Tensor(shape: [2, 3, 2]) { buffer in
            for i in 0..<2 { for j in 0..<3 { for k in 0..<2 { buffer[(i * 3 + j) * 2 + k] = Float(100 * i + 10 * j + k) } } }
        }
        #expect(t.sum(alongAxis: 0) == Tensor(shape: [3, 2], scalars: [100, 102, 120, 122, 140, 142]))
        #expect(t.sum(alongAxis: 1) == Tensor(shape: [2, 2], scalars: [30, 33, 330, 333]))
        #expect(t.sum(alongAxis: 2) == Tensor(shape: [2, 3], scalars: [1, 21, 41, 201, 221, 241]))
        #expect(t.mean(alongAxis: 1) == Tensor(shape: [2, 2], scalars: [10, 11, 110, 111]))
        #expect(t.max(alongAxis: 0) == Tensor(shape: [3, 2], scalars: [100, 101, 110, 111, 120, 121]))
        #expect(t.argmax(alongAxis: 1) == [2, 2, 2, 2])
        #expect(t.sum() == 726)
        #expect(t.mean() == 60.5)
        #expect(t.max() == 121)
        #expect(Tensor(rows: [[1, 5, 5], [7, 0, 2]]).argmax(alongAxis: 1) == [1, 0])
    }

    @Test func arithmeticAndTranspose() {
        let a = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        #expect(a.transposed() == Tensor(rows: [[1, 4], [2, 5], [3, 6]]))
        #expect(a + a == a * 2)
        #expect((a - a).sum() == 0)
        #expect((a / a) == Tensor.ones([2, 3]))
        #expect(-a + 1 == Tensor(rows: [[0, -1, -2], [-3, -4, -5]]))
        var b = a
        b += a
        b -= a
        b *= 3
        #expect(b == a * 3)
    }

    @Test func batchSliceAndStack() {
        let t = Tensor(shape: [4, 2], scalars: (0..<8).map(Float.init))
        #expect(t.slice(batch: 1..<3) == Tensor(shape: [2, 2], scalars: [2, 3, 4, 5]))
        #expect(t.slice(batch: 2..<2).shape == [0, 2])
        #expect(Tensor.stacked([Tensor([1, 2]), Tensor([3, 4])]) == Tensor(rows: [[1, 2], [3, 4]]))
    }

    @Test func workspaceResizeKeepsStorageForSameCount() {
        var t = Tensor.zeros([2, 6])
        t.resize(to: [3, 4])
        #expect(t.shape == [3, 4] && t.count == 12)
        t.resize(to: [5])
        #expect(t.count == 5)
    }

    @Test func descriptionShowsShapeAndValues() {
        #expect(Tensor(rows: [[1, 2], [3, 4]]).description == "Tensor[2, 2](1.0, 2.0, 3.0, 4.0)")
        #expect(Tensor.zeros([3, 4]).description.contains("… (12 elements)"))
    }
}

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameNumbersOnEveryMachine() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        // Golden values pin the algorithm (xoshiro256** seeded by SplitMix64), so a change is caught.
        var golden = SeededGenerator(seed: 0)
        #expect(golden.next() == 0x99EC_5F36_CB75_F2B4)
    }

    @Test func stateRoundTrips() {
        var a = SeededGenerator(seed: 5)
        _ = a.next()
        var b = SeededGenerator(state: a.state)
        #expect(a.next() == b.next())
    }

    @Test func distributions() {
        var g = SeededGenerator(seed: 3)
        let normal = Tensor.randomNormal([100_000], mean: 2, standardDeviation: 3, using: &g)
        #expect(abs(normal.mean() - 2) < 0.05)
        let variance = (normal - 2).map { $0 * $0 }.mean()
        #expect(abs(variance.squareRoot() - 3) < 0.05)
        let uniform = Tensor.randomUniform([100_000], in: -1..<1, using: &g)
        #expect(uniform.scalars.allSatisfy { $0 >= -1 && $0 < 1 })
        #expect(abs(uniform.mean()) < 0.01)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[g.nextIndex(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
        var deck = Array(0..<52)
        g.shuffle(&deck)
        #expect(deck.sorted() == Array(0..<52) && deck != Array(0..<52))
    }
}
