import Dispatch
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
        /// The input being read, as messages name it.
        public var file: String?
        /// Rows and bytes a resumed run skipped (read by the run that was killed), and when the
        /// skipping ended: rates count only what this run read since then.
        public var resumedRows = 0
        public var resumedBytes = 0
        public var resumedAt: UInt64?
    }

    /// The snapshot, and the bytes read by the input sequences before the current one (each
    /// output of an output name template reads its own).
    private let state = Locked((snapshot: Snapshot(), bytesOfEarlierSequences: 0))

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    func start(bytesTotal: Int?) {
        state.withLock { $0 = (Snapshot(bytesRead: 0, bytesTotal: bytesTotal, rowsRead: 0, file: nil), 0) }
    }

    /// A resumed run has skipped `rows` rows, to `bytesRead` bytes of the current input sequence:
    /// they count in the figures, not in the rates.
    func resumed(rows: Int, bytesRead: Int, file: String) {
        advance(rows: rows, bytesRead: bytesRead, file: file)
        state.withLock {
            $0.snapshot.resumedRows = $0.snapshot.rowsRead
            $0.snapshot.resumedBytes = $0.snapshot.bytesRead
            $0.snapshot.resumedAt = DispatchTime.now().uptimeNanoseconds
        }
    }

    /// A new sequence of inputs starts counting its bytes from 0.
    func beginInputs() {
        state.withLock { $0.bytesOfEarlierSequences = $0.snapshot.bytesRead }
    }

    /// `rows` more records handed out; `bytesRead` read so far by the current input sequence.
    func advance(rows: Int, bytesRead: Int, file: String) {
        state.withLock {
            $0.snapshot.file = file
            $0.snapshot.rowsRead += rows
            $0.snapshot.bytesRead = $0.bytesOfEarlierSequences + bytesRead
        }
    }

    /// The inputs' total size, when every one is a regular file.
    static func totalSize(_ paths: [String]) -> Int? {
        var total = 0
        for path in paths {
            guard let size = regularFileSize(path) else { return nil }
            total += size
        }
        return total
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
