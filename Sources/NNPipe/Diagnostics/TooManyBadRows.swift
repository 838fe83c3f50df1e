/// More bad rows than `max_errors` allows.
public struct TooManyBadRows: NNPipeError {
    public var limit: Int
    /// The first bad row past the limit.
    public var row: RowError

    public var message: String { "\(row.message) (more than max_errors = \(limit) bad rows; stopping)" }
    public var exitStatus: ExitStatus { .dataError }
}
