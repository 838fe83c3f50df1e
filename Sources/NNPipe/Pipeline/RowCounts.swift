/// Rows counted by what became of them: the one set of counts that a chunk's result, an input's
/// figures, a run's summary and a resume journal's entry all carry.
///
/// Read = written + skipped + rejected + discarded (and, after a failing row, + 1 for it).
/// Counts of different chunks, inputs or outputs add up with `+`.
package struct RowCounts: Sendable, Codable, Equatable {
    package var read = 0
    /// Rows in a committed output, or sent to a stream.
    package var written = 0
    /// Bad rows dropped (the skip policy).
    package var skipped = 0
    /// Bad rows written to the rejects file (the reject policy).
    package var rejected = 0
    /// Rows processed into an output or rejects file that a failure removed.
    package var discarded = 0

    package init(read: Int = 0, written: Int = 0, skipped: Int = 0, rejected: Int = 0, discarded: Int = 0) {
        (self.read, self.written, self.skipped, self.rejected, self.discarded) = (read, written, skipped, rejected, discarded)
    }

    /// The bad rows among them (skipped or rejected), as `max_errors` and `max_error_rate` count them.
    package var bad: Int { skipped + rejected }

    package static func + (a: RowCounts, b: RowCounts) -> RowCounts {
        RowCounts(read: a.read + b.read, written: a.written + b.written, skipped: a.skipped + b.skipped,
                  rejected: a.rejected + b.rejected, discarded: a.discarded + b.discarded)
    }

    package static func += (a: inout RowCounts, b: RowCounts) { a = a + b }

    /// The counts after the output (and the rejects file) their rows went to were removed by a
    /// failure: those rows are discarded.
    func removed(output outputRemoved: Bool, rejects rejectsRemoved: Bool) -> RowCounts {
        var counts = self
        if outputRemoved {
            counts.discarded += counts.written
            counts.written = 0
        }
        if rejectsRemoved {
            counts.discarded += counts.rejected
            counts.rejected = 0
        }
        return counts
    }
}
