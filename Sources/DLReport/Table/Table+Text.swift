import Foundation

extension Table {
    /// The table in GitHub-flavoured Markdown, padded so that the source reads as a table too.
    /// Marked cells are bold; `|` in cells is escaped and line breaks become spaces.
    ///
    ///     | Optimizer | Test accuracy |
    ///     | :-------- | ------------: |
    ///     | SGD       |        97.12% |
    ///     | Adam      |    **98.01%** |
    public func markdown() -> String {
        let header = columns.map { markdownEscaped($0.header) }
        let body = rows.indices.map { row in
            columns.indices.map { column in
                let text = markdownEscaped(rows[row][column].displayText)
                return isMarked(row: row, column: column) ? "**\(text)**" : text
            }
        }
        let alignments = columns.indices.map(alignment(ofColumn:))
        let widths = columnWidths(header: header, body: body, minimum: 3)
        let rule = columns.indices.map { column in
            let dashes = String(repeating: "-", count: widths[column] - 1)
            switch alignments[column] {
            case .left: return ":" + dashes
            case .right: return dashes + ":"
            case .center: return ":" + String(dashes.dropLast()) + ":"
            }
        }
        func line(_ cells: [String], aligned: Bool = true) -> String {
            let padded = cells.indices.map { column in
                aligned ? pad(cells[column], to: widths[column], alignments[column]) : cells[column]
            }
            return "| " + padded.joined(separator: " | ") + " |\n"
        }
        return line(header) + line(rule, aligned: false) + body.map { line($0) }.joined()
    }

    /// The table as aligned columns for the terminal, with a rule under the header. Marked cells
    /// carry a `*`, explained in a last line.
    ///
    ///     Optimizer  Test accuracy
    ///     ─────────  ─────────────
    ///     SGD               97.12%
    ///     Adam              98.01%*
    ///     * best in its column
    public func plainText() -> String {
        let markedColumns = Set(marked.map(\.column))
        let header = columns.map(\.header)
        let body = rows.indices.map { row in
            columns.indices.map { column in
                let text = rows[row][column].displayText.replacingNewlines()
                guard markedColumns.contains(column) else { return text }
                // A space after unmarked cells keeps the digits of a right-aligned column in line.
                return text + (isMarked(row: row, column: column) ? "*" : " ")
            }
        }
        let alignments = columns.indices.map(alignment(ofColumn:))
        let widths = columnWidths(header: header, body: body, minimum: 1)
        func line(_ cells: [String]) -> String {
            let padded = cells.indices.map { pad(cells[$0], to: widths[$0], alignments[$0]) }
            return String(padded.joined(separator: "  ").trimmingTrailingSpaces()) + "\n"
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        let footnote = marked.isEmpty ? "" : "* best in its column\n"
        return line(header) + rule + body.map(line).joined() + footnote
    }

    private func columnWidths(header: [String], body: [[String]], minimum: Int) -> [Int] {
        columns.indices.map { column in
            ([header[column]] + body.map { $0[column] }).map(\.count).max().map { max($0, minimum) } ?? minimum
        }
    }

    private func markdownEscaped(_ text: String) -> String {
        text.replacingNewlines().replacingOccurrences(of: "|", with: "\\|")
    }
}

/// `text` padded with spaces to `width` characters.
private func pad(_ text: String, to width: Int, _ alignment: Table.Alignment) -> String {
    let padding = max(width - text.count, 0)
    switch alignment {
    case .left: return text + String(repeating: " ", count: padding)
    case .right: return String(repeating: " ", count: padding) + text
    case .center:
        let left = padding / 2
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: padding - left)
    }
}

extension String {
    /// The string on one line: each line break becomes a space.
    fileprivate func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }

    fileprivate func trimmingTrailingSpaces() -> Substring {
        self[..<(lastIndex { $0 != " " }.map(index(after:)) ?? startIndex)]
    }
}
