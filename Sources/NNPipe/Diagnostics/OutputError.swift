import Glibc

/// A problem writing output: the file cannot be created, or a write failed part way.
package struct OutputError: NNPipeError {
    package enum Kind: Sendable {
        case cannotCreate
        case writeFailed
        /// The reader of standard output (or a pipe) went away: a quiet stop, not a failure to report.
        case brokenPipe
    }

    package var kind: Kind
    package var file: String
    package var problem: String

    package init(_ kind: Kind, file: String, problem: String) {
        self.kind = kind
        self.file = file
        self.problem = problem
    }

    /// An error from a failed system call, with the system's text for `errno` (and, for EFBIG,
    /// the limit that is most often the cause: SIGXFSZ is ignored, so the write reports it).
    package init(_ kind: Kind, file: String, operation: String, errno code: Int32) {
        let hint = code == EFBIG ? " (past the file-size limit, ulimit -f, or the file system's largest file)" : ""
        self.init(kind, file: file, problem: "\(operation): \(String(cString: strerror(code)))\(hint)")
    }

    package var message: String { "\(file): \(problem)" }

    package var exitStatus: ExitStatus {
        switch kind {
        case .cannotCreate: .cannotCreate
        case .writeFailed: .ioError
        case .brokenPipe: .brokenPipe
        }
    }
}
