/// A problem with an input stream as a whole: missing, unreadable, not gzip, corrupt, truncated,
/// or a header that does not fit the pipeline.
package struct InputError: NNPipeError {
    package enum Kind: Sendable {
        /// The file does not exist or cannot be opened.
        case missing
        /// Reading failed part way (EIO and similar).
        case unreadable
        /// The bytes are not what they must be: corrupt or truncated gzip, a bad header.
        case badData
    }

    package var kind: Kind
    /// The input, as the user named it (`-` is shown as `<stdin>`).
    package var file: String
    /// Where in the input, when known: a 1-based line, or a byte offset into the file as stored
    /// (the compressed bytes, for gzip).
    package var line: Int?
    package var byteOffset: Int?
    package var problem: String

    /// Written out for its unlabelled kind and its defaults, which every reader's message relies on.
    package init(_ kind: Kind, file: String, line: Int? = nil, byteOffset: Int? = nil, problem: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.byteOffset = byteOffset
        self.problem = problem
    }

    package var message: String {
        let byte = byteOffset.map { " (byte \($0))" } ?? ""
        return "\(ErrorPlace.text(file: file, line: line))\(byte): \(problem)"
    }

    package var exitStatus: ExitStatus {
        switch kind {
        case .missing: .noInput
        case .unreadable: .ioError
        case .badData: .dataError
        }
    }
}
