/// A bad row in the input: which file, line and field, and what was wrong with it.
public struct RowError: NNPipeError, Equatable {
    public var file: String
    /// 1-based physical line where the record starts.
    public var line: Int
    /// 1-based field number, and the column's name when the input has a header.
    public var field: Int?
    public var columnName: String?
    /// The reason, short and fixed per kind of problem (also written to the rejects file).
    public var reason: String

    public var message: String {
        var location = "\(file): line \(line)"
        if let field {
            location += ", field \(field)"
            if let columnName { location += " (\"\(columnName)\")" }
        }
        return "\(location): \(reason)"
    }

    public var exitStatus: ExitStatus { .dataError }
}
