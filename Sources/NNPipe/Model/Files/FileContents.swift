import Foundation

/// Reads whole files for the loaders of model and scaler files, with the one located message
/// each failure gets.
enum FileContents {
    /// The bytes of the file at `path`, or a ``ModelError`` naming it `name`: "`what` not
    /// found" when there is no such file, "cannot read the `what`" when it cannot be read.
    static func read(_ path: String, name: String, what: String) throws(ModelError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ModelError(file: name, problem: exists ? "cannot read the \(what)" : "\(what) not found")
        }
        return data
    }

    /// The JSON document in the file at `path`, as ``read(_:name:what:)`` reads it.
    static func json(_ path: String, name: String, what: String) throws(ModelError) -> JSONValue {
        try json([UInt8](read(path, name: name, what: what)), name: name)
    }

    /// The JSON document `bytes` of the file `name`; a syntax error names its line and column
    /// (`m.json:3:1: not valid JSON: …`).
    static func json(_ bytes: [UInt8], name: String) throws(ModelError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw ModelError(file: "\(name):\(error.line):\(error.column)", problem: "not valid JSON: \(error.problem)")
        }
    }
}
