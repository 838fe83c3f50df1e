/// One input's share of a run's figures (``RunSummary/inputs``), for runs over many files.
public struct InputFigures: Sendable, Codable, Equatable {
    /// The input as messages name it.
    public var file: String
    public var rowsRead = 0
    public var rowsWritten = 0
    public var rowsSkipped = 0
    public var rowsRejected = 0
    public var rowsDiscarded = 0
    /// From its first chunk written to its last (nil while it is still being read).
    public var seconds: Double?
    /// The output its rows went to (the user's path, `<stdout>` for standard output).
    public var output: String?

    public init(file: String) { self.file = file }

    /// `in/a.csv: 1000 rows read, 998 written, 0 skipped, 2 rejected in 0.120 s`.
    public var text: String {
        "\(file): \(rowsRead) rows read, \(rowsWritten) written, \(rowsSkipped) skipped, \(rowsRejected) rejected"
            + (rowsDiscarded > 0 ? ", \(rowsDiscarded) discarded" : "")
            + (seconds.map { " in \(String(format: "%.3f", $0)) s" } ?? "")
    }

    /// The figures after the output (and rejects) they went to were removed by a failure.
    func removed(output outputRemoved: Bool, rejects rejectsRemoved: Bool) -> InputFigures {
        var figures = self
        if outputRemoved {
            figures.rowsDiscarded += figures.rowsWritten
            figures.rowsWritten = 0
        }
        if rejectsRemoved {
            figures.rowsDiscarded += figures.rowsRejected
            figures.rowsRejected = 0
        }
        return figures
    }
}
