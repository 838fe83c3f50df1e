/// More bad rows than `max_errors` allows.
package struct TooManyBadRows: NNPipeError {
    package var limit: Int
    /// The first bad row past the limit.
    package var row: RowError

    package var message: String { "\(row.message) (more than max_errors = \(limit) bad rows; stopping)" }
    package var exitStatus: ExitStatus { .dataError }
}
