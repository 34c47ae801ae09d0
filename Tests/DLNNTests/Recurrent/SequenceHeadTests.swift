import Testing
@testable import DLNN

/// `LastTimeStep` and `TimeStepsAsRows` against Double references and finite differences.
@Suite struct SequenceHeadTests {
    @Test func lastTimeStepPicksTheLastStep() throws {
        let (length, rows, features) = (3, 2, 5)
        let layer = LastTimeStep()
        #expect(throws: ShapeError.self) { try layer.outputShape(for: [2, 5]) }
        #expect(try layer.outputShape(for: [length, rows, features]) == [rows, features])
        checkGradients(of: layer, input: randomInput([length, rows, features], seed: 1)) { x, _ in
            Array(x[((length - 1) * rows * features)...])
        }
    }

    @Test func timeStepsAsRowsKeepsTheTimeMajorOrder() throws {
        let layer = TimeStepsAsRows()
        #expect(try layer.outputShape(for: [4, 3, 2]) == [12, 2])
        let input = randomInput([4, 3, 2], seed: 2)
        #expect(layer.forward(input).scalars == input.scalars)
        checkGradients(of: layer, input: input) { x, _ in x }
    }
}
