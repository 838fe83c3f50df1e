/// One input's share of a run's figures (``RunSummary/inputs``), for runs over many files.
package struct InputFigures: Sendable, Codable, Equatable {
    /// The input as messages name it.
    package var file: String
    /// Its rows read, written, skipped, rejected and discarded.
    package var rows = RowCounts()
    /// From its first chunk written to its last (nil while it is still being read).
    package var seconds: Double?
    /// The output its rows went to (the user's path, `<stdout>` for standard output).
    package var output: String?

    package init(file: String, rows: RowCounts = RowCounts()) {
        self.file = file
        self.rows = rows
    }

    /// `in/a.csv: 1000 rows read, 998 written, 0 skipped, 2 rejected in 0.120 s`.
    package var text: String {
        "\(file): \(rows.read) rows read, \(rows.written) written, \(rows.skipped) skipped, \(rows.rejected) rejected"
            + (rows.discarded > 0 ? ", \(rows.discarded) discarded" : "")
            + (seconds.map { " in \(printfFormat("%.3f", $0)) s" } ?? "")
    }

    /// The figures after the output (and rejects) they went to were removed by a failure.
    func removed(output outputRemoved: Bool, rejects rejectsRemoved: Bool) -> InputFigures {
        var figures = self
        figures.rows = rows.removed(output: outputRemoved, rejects: rejectsRemoved)
        return figures
    }
}
