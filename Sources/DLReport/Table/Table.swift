import DLCore

/// A table of results: named columns and rows of typed cells, rendered as Markdown for
/// `report.md`, as aligned text for the terminal, as CSV and as JSON.
///
///     var table = Table(headers: ["Optimizer", "Test accuracy", "Time (s)"])
///     table.append(["SGD", Cell(0.9712, format: .percent(2)), Cell(12.3, format: .fixed(1))])
///     table.append(["Adam", Cell(0.9801, format: .percent(2)), Cell(13.1, format: .fixed(1))])
///     table.markBest(inColumn: "Test accuracy", .higherIsBetter)
///     print(table.rendered(as: .table))
public struct Table: Sendable {
    /// A column's header and alignment.
    public struct Column: Sendable, ExpressibleByStringLiteral {
        /// The header text.
        public var header: String
        /// The alignment of the column, or `nil` to right-align columns that hold only numbers
        /// and left-align the others.
        public var alignment: Alignment?

        /// A column titled `header`.
        public init(_ header: String, alignment: Alignment? = nil) {
            self.header = header
            self.alignment = alignment
        }

        /// A column titled by a string literal, with automatic alignment.
        public init(stringLiteral header: String) {
            self.init(header)
        }
    }

    /// Where text sits within a column.
    public enum Alignment: Sendable {
        case left, center, right
    }

    /// Which end of a column is best, for `markBest(inColumn:_:)`.
    public enum Ranking: Sendable {
        /// The smallest value is best: errors, losses, times.
        case lowerIsBetter
        /// The largest value is best: accuracies, throughputs.
        case higherIsBetter
    }

    /// A cell's place in the table.
    struct Position: Hashable {
        var row: Int
        var column: Int
    }

    /// The columns, left to right.
    public private(set) var columns: [Column]
    /// The rows, top to bottom; each has one cell per column.
    public private(set) var rows: [[Cell]] = []
    /// The cells marked as the best of their column.
    private(set) var marked: Set<Position> = []

    /// An empty table with these columns.
    public init(columns: [Column]) {
        self.columns = columns
    }

    /// An empty table with these headers and automatic alignment.
    public init(headers: [String]) {
        self.init(columns: headers.map { Column($0) })
    }

    /// Appends a row, which must have one cell per column.
    public mutating func append(_ row: [Cell]) {
        require(
            row.count == columns.count,
            "Table.append: row of \(row.count) cells for \(columns.count) columns (\(headerList))"
        )
        rows.append(row)
    }

    /// Marks the best numeric cell of a column (bold in Markdown, `*` on the terminal; CSV and
    /// JSON carry data only). Text, missing and non-finite cells take no part. Ties at the
    /// displayed precision are all marked, since a reader cannot tell them apart.
    public mutating func markBest(inColumn header: String, _ ranking: Ranking) {
        let column = columns.firstIndex { $0.header == header }
        require(column != nil, "Table.markBest: no column \"\(header)\" in \(headerList)")
        markBest(inColumn: column!, ranking)
    }

    /// Marks the best numeric cell of the column at `column`; see `markBest(inColumn:_:)` by header.
    public mutating func markBest(inColumn column: Int, _ ranking: Ranking) {
        require(
            columns.indices.contains(column),
            "Table.markBest: column \(column) out of range for \(columns.count) columns"
        )
        let candidates = rows.indices.compactMap { row in
            rows[row][column].rankingValue.map { (row: row, value: $0) }
        }
        let best = ranking == .lowerIsBetter
            ? candidates.min { $0.value < $1.value }
            : candidates.max { $0.value < $1.value }
        guard let best else { return }
        let bestText = rows[best.row][column].displayText
        for candidate in candidates where rows[candidate.row][column].displayText == bestText {
            marked.insert(Position(row: candidate.row, column: column))
        }
    }

    /// Whether the cell at `row`, `column` is marked as the best of its column.
    public func isMarked(row: Int, column: Int) -> Bool {
        marked.contains(Position(row: row, column: column))
    }

    /// The alignment a column is rendered with: the column's own, or right for all-numeric columns.
    func alignment(ofColumn column: Int) -> Alignment {
        if let alignment = columns[column].alignment { return alignment }
        let cells = rows.map { $0[column] }.filter { $0 != .missing }
        return !cells.isEmpty && cells.allSatisfy(\.isNumeric) ? .right : .left
    }

    private var headerList: String {
        columns.map(\.header).joined(separator: ", ")
    }
}

/// The output formats of a table, as `dlbench --format` names them.
public enum TableFormat: String, Sendable, CaseIterable {
    /// Aligned columns for the terminal.
    case table
    /// Comma-separated values (RFC 4180).
    case csv
    /// An array of objects keyed by column header.
    case json
    /// A GitHub-flavoured Markdown table.
    case markdown
}

extension Table {
    /// The table in `format`, ending with a newline.
    public func rendered(as format: TableFormat) -> String {
        switch format {
        case .table: plainText()
        case .csv: csv()
        case .json: json()
        case .markdown: markdown()
        }
    }
}
