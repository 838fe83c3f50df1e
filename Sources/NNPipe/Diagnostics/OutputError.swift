import Glibc

/// A problem writing output: the file cannot be created, or a write failed part way.
public struct OutputError: NNPipeError {
    public enum Kind: Sendable {
        case cannotCreate
        case writeFailed
        /// The reader of standard output (or a pipe) went away: a quiet stop, not a failure to report.
        case brokenPipe
    }

    public var kind: Kind
    public var file: String
    public var problem: String

    public init(_ kind: Kind, file: String, problem: String) {
        self.kind = kind
        self.file = file
        self.problem = problem
    }

    /// An error from a failed system call, with the system's text for `errno`.
    public init(_ kind: Kind, file: String, operation: String, errno code: Int32) {
        self.init(kind, file: file, problem: "\(operation): \(String(cString: strerror(code)))")
    }

    public var message: String { "\(file): \(problem)" }

    public var exitStatus: ExitStatus {
        switch kind {
        case .cannotCreate: .cannotCreate
        case .writeFailed: .ioError
        case .brokenPipe: .brokenPipe
        }
    }
}
