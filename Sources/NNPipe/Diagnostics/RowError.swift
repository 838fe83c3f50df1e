/// A bad row in the input: which file, line and field, and what was wrong with it.
package struct RowError: NNPipeError, Equatable {
    package var file: String
    /// 1-based physical line where the record starts.
    package var line: Int
    /// 1-based field number, and the column's name when the input has a header.
    package var field: Int?
    package var columnName: String?
    /// The reason, short and fixed per kind of problem (also written to the rejects file).
    package var reason: String

    package var message: String {
        var location = "\(file): line \(line)"
        if let field {
            location += ", field \(field)"
            if let columnName { location += " (\"\(columnName)\")" }
        }
        return "\(location): \(reason)"
    }

    package var exitStatus: ExitStatus { .dataError }
}
