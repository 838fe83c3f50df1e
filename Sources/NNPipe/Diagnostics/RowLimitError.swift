import Foundation

/// An output whose inputs gave too few rows (`--min-rows`) or too large a share of bad rows
/// (`errors.max_error_rate`): found when its last input is done, before the output is committed,
/// so the output is not written.
package struct RowLimitError: NNPipeError {
    /// The limit that was passed.
    package enum Limit: Sendable {
        /// Fewer rows read than `--min-rows`.
        case minRows(Int)
        /// More bad rows (skipped and rejected) than this fraction of the rows read.
        case maxErrorRate(Double)
    }

    package var limit: Limit
    /// The inputs read into the output, as the user named them.
    package var inputs: [String]
    package var rowsRead: Int
    /// Rows skipped or rejected.
    package var badRows: Int

    package init(_ limit: Limit, inputs: [String], rowsRead: Int, badRows: Int) {
        (self.limit, self.inputs, self.rowsRead, self.badRows) = (limit, inputs, rowsRead, badRows)
    }

    package var message: String {
        let place = RunSummary.list(inputs)
        switch limit {
        case .minRows(let minimum):
            let read = rowsRead == 1 ? "1 row" : "\(rowsRead) rows"
            let hint = rowsRead == 0 ? " (an empty input, or a header alone)" : ""
            return "\(place): \(read) read, fewer than --min-rows \(minimum)\(hint); "
                + "the output is not written: check the input (or lower --min-rows)"
        case .maxErrorRate(let rate):
            let share = printfFormat("%.3g", 100 * Double(badRows) / Double(max(rowsRead, 1)))
            return "\(place): \(badRows) of \(rowsRead) rows were bad (\(share)%), more than max_error_rate = \(rate) allows; "
                + "the output is not written: check the input (or raise errors.max_error_rate)"
        }
    }

    package var exitStatus: ExitStatus { .dataError }
}
