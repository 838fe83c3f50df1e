import Dispatch
import Glibc

/// How far a run has got, updated by the reader as it hands out chunks and read by another
/// thread (the command line's progress line) while the run goes on.
package final class RunProgress: Sendable {
    package struct Snapshot: Sendable, Equatable {
        /// Input bytes consumed from the file as stored (compressed bytes for gzip).
        package var bytesRead = 0
        /// The input's size, when it is a regular file (not a pipe or a terminal).
        package var bytesTotal: Int?
        /// Records handed to the workers so far (the header not counted).
        package var rowsRead = 0
        /// The input being read, as messages name it.
        package var file: String?
        /// The rows and input bytes of `rowsRead` and `bytesRead` a resumed run passed over (the
        /// killed run had read them): they count towards the share done, not towards the rate.
        package var rowsResumed = 0
        package var bytesResumed = 0
        /// When this process began reading rows of its own: the start, or the end of a resumed
        /// run's skip (seeking or decompressing up to where the killed run got).
        package var readingSince = DispatchTime.now()

        /// Rows per second read by this process, `now`; nil in its first half second of reading.
        package func rowsPerSecond(at now: DispatchTime = .now()) -> Double? {
            let seconds = secondsReading(at: now)
            return seconds >= 0.5 ? Double(rowsRead - rowsResumed) / seconds : nil
        }

        /// Seconds left at this process's rate of input bytes; nil without a size, before the
        /// first half second of reading or a byte read.
        package func secondsLeft(at now: DispatchTime = .now()) -> Double? {
            let seconds = secondsReading(at: now)
            let ownBytes = bytesRead - bytesResumed
            guard seconds >= 0.5, let total = bytesTotal, ownBytes > 0, total > bytesRead else { return nil }
            return Double(total - bytesRead) / (Double(ownBytes) / seconds)
        }

        private func secondsReading(at now: DispatchTime) -> Double {
            Double(now.uptimeNanoseconds &- readingSince.uptimeNanoseconds) / 1e9
        }
    }

    /// The snapshot, and the bytes read by the input sequences before the current one (each
    /// output of an output name template reads its own).
    private let state = Locked((snapshot: Snapshot(), bytesOfEarlierSequences: 0))

    package init() {}

    package var snapshot: Snapshot { state.withLock { $0.snapshot } }

    func start(bytesTotal: Int?) {
        state.withLock { $0 = (Snapshot(bytesRead: 0, bytesTotal: bytesTotal, rowsRead: 0, file: nil), 0) }
    }

    /// A resumed run passed over `rows` records and `bytesRead` bytes of the current input
    /// sequence (read by the killed run); the rate counts from now.
    func resumed(rows: Int, bytesRead: Int, file: String) {
        state.withLock {
            let bytes = $0.bytesOfEarlierSequences + bytesRead - $0.snapshot.bytesRead
            $0.snapshot.file = file
            $0.snapshot.rowsRead += rows
            $0.snapshot.bytesRead += bytes
            $0.snapshot.rowsResumed += rows
            $0.snapshot.bytesResumed += bytes
            $0.snapshot.readingSince = .now()
        }
    }

    /// Outputs a killed template run had committed, passed over by the resumed run: their
    /// `rows` and `bytes` (of inputs not read again) count as resumed.
    func passedOver(rows: Int, bytes: Int) {
        state.withLock {
            $0.snapshot.rowsRead += rows
            $0.snapshot.bytesRead += bytes
            $0.snapshot.rowsResumed += rows
            $0.snapshot.bytesResumed += bytes
            $0.snapshot.readingSince = .now()
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
