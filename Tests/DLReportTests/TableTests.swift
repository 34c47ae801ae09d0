import Foundation
import Testing
@testable import DLReport

@Suite struct TableTests {
    /// Optimizer results with a text, a percent, a fixed and an integer column.
    private func results() -> Table {
        var table = Table(headers: ["Optimizer", "Test accuracy", "Time (s)", "Steps"])
        table.append(["SGD", Cell(0.9712, format: .percent(2)), Cell(12.34, format: .fixed(1)), 9380])
        table.append(["Adam", Cell(0.98012, format: .percent(2)), Cell(13.06, format: .fixed(1)), 9380])
        table.append(["RMSprop", .missing, Cell(Double.nan, format: .fixed(1)), 4690])
        return table
    }

    @Test func markdownRightAlignsNumericColumnsAndPads() {
        let expected = """
            | Optimizer | Test accuracy | Time (s) | Steps |
            | :-------- | ------------: | -------: | ----: |
            | SGD       |        97.12% |     12.3 |  9380 |
            | Adam      |        98.01% |     13.1 |  9380 |
            | RMSprop   |             — |      nan |  4690 |

            """
        #expect(results().markdown() == expected)
    }

    @Test func markdownEscapesPipesAndHonoursExplicitAlignment() {
        var table = Table(columns: [Table.Column("a|b", alignment: .center), "Note"])
        table.append([1, "x | y\nz"])
        let lines = table.markdown().split(separator: "\n")
        #expect(lines[0] == "| a\\|b | Note     |")
        #expect(lines[1] == "| :--: | :------- |")
        #expect(lines[2] == "|  1   | x \\| y z |")
    }

    @Test func marksBestPerColumnForEitherRanking() {
        var table = results()
        table.markBest(inColumn: "Test accuracy", .higherIsBetter)
        table.markBest(inColumn: "Time (s)", .lowerIsBetter)
        #expect(table.isMarked(row: 1, column: 1))
        #expect(!table.isMarked(row: 0, column: 1))
        #expect(!table.isMarked(row: 2, column: 1), "missing cells never win")
        #expect(table.isMarked(row: 0, column: 2))
        #expect(!table.isMarked(row: 2, column: 2), "NaN never wins")
        #expect(table.markdown().contains("|    **98.01%** |"))
        #expect(table.markdown().contains("| **12.3** |"))
        #expect(!table.csv().contains("*"), "CSV holds data only")
    }

    @Test func marksTiesAtTheDisplayedPrecision() {
        var table = Table(headers: ["Run", "Loss"])
        table.append(["a", Cell(0.1234, format: .fixed(2))])
        table.append(["b", Cell(0.1210, format: .fixed(2))])
        table.append(["c", Cell(0.1300, format: .fixed(2))])
        table.markBest(inColumn: 1, .lowerIsBetter)
        #expect(table.isMarked(row: 0, column: 1) && table.isMarked(row: 1, column: 1))
        #expect(!table.isMarked(row: 2, column: 1))
    }

    @Test func plainTextAlignsColumnsAndStarsWinners() {
        var table = Table(headers: ["Optimizer", "Accuracy"])
        table.append(["SGD", Cell(0.9712, format: .percent(2))])
        table.append(["Adam", Cell(0.9801, format: .percent(2))])
        table.markBest(inColumn: "Accuracy", .higherIsBetter)
        let expected = """
            Optimizer  Accuracy
            ─────────  ────────
            SGD         97.12%
            Adam        98.01%*
            * best in its column

            """
        #expect(table.plainText() == expected)
        #expect(table.rendered(as: .table) == expected)
    }

    @Test func csvQuotesFieldsAsRFC4180AndKeepsFullPrecision() {
        var table = Table(headers: ["name", "value"])
        table.append(["plain", Cell(0.98123456, format: .percent(1))])
        table.append(["with, comma", 3])
        table.append(["say \"hi\"", .missing])
        table.append(["two\nlines", Cell(-Double.infinity, format: .fixed(2))])
        let expected = "name,value\nplain,0.98123456\n\"with, comma\",3\n\"say \"\"hi\"\"\",\n\"two\nlines\",-inf\n"
        #expect(table.csv() == expected)
    }

    @Test func jsonRoundTripsThroughJSONSerializationWithTypedValues() throws {
        let json = results().json()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed.count == 3)
        #expect(parsed[0]["Optimizer"] as? String == "SGD")
        #expect(parsed[0]["Test accuracy"] as? Double == 0.9712)
        #expect(parsed[1]["Time (s)"] as? Double == 13.06)
        #expect(parsed[1]["Steps"] as? Int == 9380)
        #expect(parsed[2]["Test accuracy"] is NSNull)
        #expect(parsed[2]["Time (s)"] is NSNull, "JSON has no NaN")
        // Keys stay in column order in the text.
        let first = try #require(json.range(of: "\"Optimizer\"")), last = try #require(json.range(of: "\"Steps\""))
        #expect(first.lowerBound < last.lowerBound)
    }

    @Test func jsonEscapesStrings() throws {
        var table = Table(headers: ["quote \" and \\"])
        table.append(["tab\tnewline\ncontrol\u{01}é"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(table.json().utf8)) as? [[String: String]])
        #expect(parsed == [["quote \" and \\": "tab\tnewline\ncontrol\u{01}é"]])
    }

    @Test func emptyTableRendersHeadersOnly() {
        let table = Table(headers: ["a", "b"])
        #expect(table.csv() == "a,b\n")
        #expect(table.json() == "[]\n")
        #expect(table.markdown() == "| a   | b   |\n| :-- | :-- |\n")
    }

    @Test func numberFormats() {
        #expect(NumberFormat.fixed(3).string(for: 0.5) == "0.500")
        #expect(NumberFormat.percent(1).string(for: 0.98765) == "98.8%")
        #expect(NumberFormat.scientific(2).string(for: 0.000123) == "1.23e-04")
        #expect(NumberFormat.significant(3).string(for: 0.012345) == "0.0123")
        #expect(NumberFormat.significant(3).string(for: 12345.6) == "12346")
        #expect(NumberFormat.significant(3).string(for: 9.996) == "10.0")
        #expect(NumberFormat.significant(3).string(for: 0.0000123) == "1.23e-05")
        #expect(NumberFormat.significant(3).string(for: 0) == "0")
        #expect(NumberFormat.fixed(2).string(for: .nan) == "nan")
        #expect(Cell(Float(0.9812), format: .fixed(4)).dataText == "0.9812")
    }
}
