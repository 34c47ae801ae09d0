import Testing
@testable import DLNN

@Suite struct SummaryTests {
    @Test func lenet5Totals() throws {
        let model = try Models.lenet5(activation: { TestTanh() })
        // conv1 6·25+6 = 156, conv2 16·6·25+16 = 2,416, 400·120+120 = 48,120, 120·84+84 = 10,164, 84·10+10 = 850.
        #expect(model.parameterCount == 61_706)
        let summary = try model.summary(inputShape: [1, 1, 28, 28])
        #expect(summary.contains("Total parameters:     61,706 (241.0 KiB)"))
        #expect(summary.contains("Trainable parameters: 61,706"))
        // 239,904 + 4,704 + 481,600 + 1,600 + 96,120 + 20,244 + 1,690 (TestTanh reports no FLOPs).
        #expect(summary.contains("Forward FLOPs:        845,862"))
        let rows = summary.split(separator: "\n").map(String.init)
        let conv1 = rows.first { $0.hasPrefix("features.0 ") }
        #expect(conv1?.contains("Conv2D(1 → 6, 5×5, padding 2)") == true)
        #expect(conv1?.contains("[1, 6, 28, 28]") == true)
        #expect(conv1?.hasSuffix("156  239,904") == true)
        #expect(rows.contains { $0.hasPrefix("classifier.5 ") && $0.contains("Dense(84 → 10)") && $0.contains("[1, 10]") })
    }

    @Test func frozenParametersAreCounted() throws {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential(Dense(inputSize: 4, outputSize: 3, generator: &generator), Dense(inputSize: 3, outputSize: 2, generator: &generator))
        model.layers[0].parameters.forEach { $0.isTrainable = false }
        let summary = try model.summary(inputShape: [5, 4])
        #expect(summary.contains("Total parameters:     23 (92 bytes)"))
        #expect(summary.contains("Trainable parameters: 8"))
        #expect(summary.contains("Frozen parameters:    15"))
        // 5·(2·4·3 + 3) + 5·(2·3·2 + 2) = 135 + 70.
        #expect(summary.contains("Forward FLOPs:        205"))
    }

    @Test func residualRowsAddUpToTheTotals() throws {
        let model = Models.smallResNet(activation: { TestTanh() })
        let summary = try model.summary(inputShape: [2, 1, 28, 28])
        let rows = summary.split(separator: "\n").map(String.init)
        // The stage-2 block's own row is its addition: 2·32·14·14 FLOPs, no parameters.
        #expect(rows.contains {
            $0.hasPrefix("features.stage2.0 ") && $0.contains("Residual(projection)") && $0.split(separator: " ").suffix(2) == ["0", "12,544"]
        })
        #expect(rows.contains { $0.hasPrefix("features.stage2.0.shortcut.0 ") && $0.contains("Conv2D(16 → 32, 1×1, stride 2)") })
        // Sum the parameter and FLOP columns of the table rows (the lines between the second and third rules).
        let rules = rows.indices.filter { rows[$0].hasPrefix("───") }
        let table = rows[(rules[1] + 1)..<rules[2]].map { $0.split(separator: " ").suffix(2).map { Int($0.replacingOccurrences(of: ",", with: ""))! } }
        #expect(table.reduce(0) { $0 + $1[0] } == model.parameterCount)
        #expect(table.reduce(0) { $0 + $1[1] } == model.forwardFLOPs(for: [2, 1, 28, 28]))
    }
}
