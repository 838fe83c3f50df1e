import Glibc

/// How far a run has got, updated by the reader as it hands out chunks and read by another
/// thread (the command line's progress line) while the run goes on.
public final class RunProgress: Sendable {
    public struct Snapshot: Sendable, Equatable {
        /// Input bytes consumed from the file as stored (compressed bytes for gzip).
        public var bytesRead = 0
        /// The input's size, when it is a regular file (not a pipe or a terminal).
        public var bytesTotal: Int?
        /// Records handed to the workers so far (the header not counted).
        public var rowsRead = 0
    }

    private let state = Locked(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func start(bytesTotal: Int?) {
        state.withLock { $0 = Snapshot(bytesRead: 0, bytesTotal: bytesTotal, rowsRead: 0) }
    }

    func advance(rows: Int, bytesRead: Int) {
        state.withLock {
            $0.rowsRead += rows
            $0.bytesRead = bytesRead
        }
    }

    /// The size of the file at `path` (`-`: standard input) when it is a regular file.
    static func regularFileSize(_ path: String) -> Int? {
        var info = stat()
        let found = path == "-" ? fstat(0, &info) == 0 : stat(path, &info) == 0
        guard found, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        if path == "-" {
            // Standard input may be a file already partly read (`{ head -1; nnpipe …; } < file`).
            let offset = lseek(0, 0, SEEK_CUR)
            return Int(info.st_size) - max(0, Int(offset))
        }
        return Int(info.st_size)
    }
}
