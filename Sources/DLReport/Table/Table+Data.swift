extension Table {
    /// The table as CSV: a header line, then one line per row. Numbers keep their full precision
    /// (`0.9812`, not the displayed `98.12%`), missing cells are empty and NaN/±∞ are `nan`/`inf`/`-inf`.
    /// Fields holding a comma, a quote or a line break are quoted, with quotes doubled, as RFC 4180
    /// says; lines end in `\n` rather than RFC 4180's `\r\n`, which every CSV reader accepts and
    /// which keeps the file clean for `diff`, `cut` and `awk`.
    public func csv() -> String {
        let header = columns.map { csvField($0.header) }.joined(separator: ",")
        let body = rows.map { row in row.map { csvField($0.dataText) }.joined(separator: ",") }
        return ([header] + body).map { $0 + "\n" }.joined()
    }

    /// The table as a JSON array with one object per row, keyed by column header in column order.
    /// Numeric cells are JSON numbers at full precision; missing and non-finite cells are `null`.
    public func json() -> String {
        jsonValue.rendered() + "\n"
    }

    /// The rows as JSON objects, for `json()` and for `results.json`.
    var jsonValue: JSONValue {
        .array(rows.map { row in
            .object(zip(columns, row).map { column, cell in (column.header, cell.jsonValue) })
        })
    }

    private func csvField(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0.isNewline }
        guard needsQuotes else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
