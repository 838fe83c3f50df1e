import Foundation

/// Reads whole files for the loaders of model and scaler files, with the one message each
/// failure gets.
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
}
