import CFileSync
import Foundation
import Glibc

/// An output: a stream written as it goes, or a file written atomically.
///
/// A regular file is written to a temporary file beside it (`.NAME.nnpipe-XXXXXX`, beside the
/// file a symlink leads to), synced, and renamed over it only by ``commit()``; ``discard()``
/// removes it, leaving any earlier file at the target untouched. The replaced file's permission
/// bits (and owner, when running as root) carry over, as `sed -i` keeps them. A stream (standard
/// output, `/dev/stderr`, `/dev/fd/N`) and a device or FIFO are written directly: they cannot be
/// made atomic (see ``OutputTarget``).
package final class OutputFile: @unchecked Sendable {
    // Unchecked: written only from the writer's serial queue, committed or discarded only after
    // the pipeline has drained; a signal handler touches it only through ``OutputRegistry``,
    // under its lock, and writes to a guarded file take the same lock.
    /// The path as the user gave it (`<stdout>` for `-`), for messages.
    package let name: String
    /// Whether the output is written in place (a stream or a device) rather than committed.
    package let isStream: Bool
    private let target: String?
    private let temporaryPath: String?
    private var descriptor: Int32
    private var finished = false
    /// Whether each write takes the ``OutputRegistry``'s lock, so a signal handler never cuts the
    /// file while a write is under way (a rejects file shared by several outputs).
    private let guarded: Bool
    /// Whether the file gathers the rows of several outputs (a template run's shared rejects
    /// file), whose writes a signal handler may cut back.
    var isShared: Bool { guarded }
    /// Set by ``checkpoint()``: the length that stays (and is committed) when the run stops.
    private var keptLength: Int?
    /// Set by ``abandonAtExit()`` (under the registry's lock): the file is removed, or cut back
    /// and committed, and no write may reach it any more.
    private var stoppedAtExit = false
    private var notedStreamWrite = false
    /// Whether a reader that went away is a quiet stop (the main output: `| head`) rather than
    /// an error (a rejects or stats FIFO whose reader died).
    private let brokenPipeIsQuiet: Bool
    /// The run's outputs, whose lock guards commits, guarded writes and a signal handler's clean-up.
    private let registry: OutputRegistry

    /// Opens `path` (`-` for standard output), registered with the run's `registry`.
    package convenience init(path: String, registry: OutputRegistry, guarded: Bool = false, brokenPipeIsQuiet: Bool = true) throws {
        try self.init(path: path, target: OutputTarget.resolve(path), registry: registry, guarded: guarded,
                      brokenPipeIsQuiet: brokenPipeIsQuiet)
    }

    /// Opens the output `path` resolves to (see ``OutputTarget/resolve(_:)``), registered with the
    /// run's `registry` (which a signal handler cleans up through).
    ///
    /// `adopting`: the temporary file of a killed run being resumed, the length of it that stays
    /// and that part's checksum (verified by the caller); it is renamed to this process's
    /// temporary name, cut to that length, and written on.
    package init(path: String, target resolved: OutputTarget, registry: OutputRegistry, guarded: Bool = false,
                brokenPipeIsQuiet: Bool = true, adopting: (path: String, length: Int, checksum: UInt32)? = nil) throws {
        name = path == "-" ? "<stdout>" : path
        self.registry = registry
        self.guarded = guarded
        self.brokenPipeIsQuiet = brokenPipeIsQuiet
        switch resolved {
        case .descriptor(let number):
            if StandardStreams.closed.contains(number) {
                throw OutputError(.cannotCreate, file: name, problem: "\(StandardStreams.name(number)) is closed")
            }
            let fd = fcntl(number, F_DUPFD_CLOEXEC, 3)
            guard fd >= 0 else {
                throw OutputError(.cannotCreate, file: name, operation: "cannot write to descriptor \(number)", errno: errno)
            }
            (isStream, target, temporaryPath, descriptor) = (true, nil, nil, fd)
        case .special(let device):
            let fd = open(device, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw OutputError(.cannotCreate, file: name, operation: "cannot open", errno: errno)
            }
            (isStream, target, temporaryPath, descriptor) = (true, nil, nil, fd)
        case .file(let file):
            let temporary = try Self.openTemporary(for: file, name: name, registry: registry,
                                                   adopting: adopting.map { (path: $0.path, length: $0.length) })
            adoptedFrom = temporary.adoptedFrom
            bytesWritten = temporary.length
            bytesSubmitted = temporary.length
            checksum = adopting?.checksum ?? 0
            (isStream, target, temporaryPath, descriptor) = (false, file, temporary.path, temporary.descriptor)
        }
        registry.register(self, temporary: temporaryPath)
    }

    deinit {
        if !finished { discard() }
    }

    /// The killed run's temporary file this one is a second name of (see ``init(path:target:registry:guarded:brokenPipeIsQuiet:adopting:)``),
    /// until ``releaseAdopted()``.
    private var adoptedFrom: String?

    /// Removes the killed run's name of an adopted file (and the other leftovers of killed runs
    /// beside the output), once this run's journal names the file by its new name: before then,
    /// a kill leaves the killed run's journal and file as they were, to be resumed again.
    func releaseAdopted() {
        guard let adoptedFrom, let target else { return }
        self.adoptedFrom = nil
        unlink(adoptedFrom)
        guard let slash = target.lastIndex(of: "/") else { return }  // resolved paths are absolute
        Self.removeLeftovers(folder: slash == target.startIndex ? "/" : String(target[..<slash]),
                             base: String(target[target.index(after: slash)...]))
    }

    /// Bytes written so far, and how many of them have been handed to writeback.
    package private(set) var bytesWritten = 0
    /// The ``ContentChecksum`` of the bytes written so far to a temporary file (0 for a stream).
    private(set) var checksum: UInt32 = 0
    private var bytesSubmitted = 0
    /// Writeback is started every this many bytes of a temporary file, so the disk writes while
    /// nnpipe works and the fsync at the end has little left to do (46 ms of a 0.45 s run on an
    /// 86 MB output, measured with strace, without it).
    static let writebackInterval = 8 << 20

    /// The temporary file being written, nil for a stream.
    var temporaryFile: String? { temporaryPath }

    /// Syncs the data written so far to disk (for a resume journal's entry, which must never
    /// count bytes that a crash could lose); nothing for a stream.
    func syncData() throws {
        guard temporaryPath != nil, descriptor >= 0 else { return }
        if fdatasync(descriptor) != 0 {
            throw OutputError(.writeFailed, file: name, operation: "sync failed", errno: errno)
        }
    }

    /// Writes all of `bytes`.
    package func write(_ bytes: [UInt8]) throws {
        // A file (not a stream, whose write may block on a full pipe) is written under the
        // registry's lock, so that a signal handler never cuts it while a write is under way, and
        // no write follows once it has.
        if guarded || temporaryPath != nil {
            try registry.committing {
                guard !stoppedAtExit else { return }
                try writeAll(bytes)
            }
        } else {
            try writeAll(bytes)
        }
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        if isStream && !notedStreamWrite {
            notedStreamWrite = true
            registry.noteStreamWritten()
        }
        // Counts the bytes that reached the file, also when a write fails part way (a stream on a
        // full disk: the rows before the cut are there, and the summary counts them).
        var offset = 0
        defer {
            if temporaryPath != nil {
                checksum = bytes.withUnsafeBytes { ContentChecksum.adding(UnsafeRawBufferPointer(rebasing: $0[..<offset]), to: checksum) }
            }
            bytesWritten += offset
            if temporaryPath != nil, bytesWritten - bytesSubmitted >= Self.writebackInterval {
                // Only a hint: a failure here shows up again, and is reported, at fsync.
                _ = CFileSync_start_writeback(descriptor, Int64(bytesSubmitted), Int64(bytesWritten - bytesSubmitted))
                bytesSubmitted = bytesWritten
            }
        }
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let count = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE {
                        if brokenPipeIsQuiet { throw OutputError(.brokenPipe, file: name, problem: "the reader went away") }
                        throw OutputError(.writeFailed, file: name, problem: "the reader of this pipe went away before the run ended")
                    }
                    throw OutputError(.writeFailed, file: name, operation: "write failed", errno: errno)
                }
                offset += count
            }
        }
    }

    /// Marks what has been written so far as belonging to committed outputs: if the run stops
    /// later, the file is cut back to this length and committed (``discard()``) rather than removed.
    func checkpoint() {
        registry.committing { keptLength = bytesWritten }
    }

    /// Makes the output final: sync and rename over the target (a file); for a stream or a
    /// device, nothing more to do.
    package func commit() throws {
        try registry.committing {
            guard !finished else { return }
            guard let target, let temporaryPath else {
                close(descriptor)
                descriptor = -1
                finished = true
                registry.unregister(self)
                return
            }
            if fsync(descriptor) != 0 {
                let code = errno
                removeTemporary()
                throw OutputError(.writeFailed, file: name, operation: "sync failed", errno: code)
            }
            if close(descriptor) != 0 {
                let code = errno
                descriptor = -1
                removeTemporary()
                throw OutputError(.writeFailed, file: name, operation: "close failed", errno: code)
            }
            descriptor = -1
            if rename(temporaryPath, target) != 0 {
                let code = errno
                removeTemporary()
                throw OutputError(.writeFailed, file: name, operation: "cannot rename the finished output into place", errno: code)
            }
            finished = true
            registry.unregister(self)
            registry.noteKept(name)
        }
    }

    /// The length of the file's header, for a file worth keeping only with more than its header
    /// (a rejects file); ``commitUnlessHeaderOnly()`` reads it.
    var headerLength: Int?
    /// Whether ``commitUnlessHeaderOnly()`` found nothing past the header and removed the file.
    package private(set) var removedAsHeaderOnly = false

    /// Commits the file (``commit()``), unless it holds no more than its ``headerLength`` bytes (a
    /// rejects file of a run that rejected nothing): then the temporary file is removed, and so is
    /// an earlier file at the target, which would otherwise pass for this run's rejects. A stream,
    /// or a file without a ``headerLength``, is committed as usual.
    func commitUnlessHeaderOnly() throws {
        try registry.committing {
            guard !finished, !isStream, let headerLength, bytesWritten <= headerLength, let target else {
                return try commit()
            }
            removeTemporary()
            var info = stat()
            if lstat(target, &info) == 0 && info.st_mode & S_IFMT == S_IFREG { unlink(target) }
            removedAsHeaderOnly = true
            registry.unregister(self)
        }
    }

    /// What ``abandon()`` did.
    enum Abandoned { case kept, removed, nothing }

    /// Ends the output after a failure: removes the temporary file (the target stays as it was),
    /// or, after a ``checkpoint()``, cuts it back to the checkpoint and commits it.
    @discardableResult
    package func discard() -> Bool {
        registry.committing {
            let outcome = abandon()
            registry.unregister(self)
            if outcome == .kept { registry.noteKept(name) }
            return outcome == .kept
        }
    }

    /// What a signal handler does just before the process exits, under the registry's lock while
    /// the writer may still be writing: it removes the temporary file, or cuts a checkpointed one
    /// back and renames it into place. Writes take the same lock, so none is under way, and later
    /// ones are dropped (the descriptor stays open, so none fails and prints a second message;
    /// none lands past the cut, where it would leave a hole of NUL bytes in the committed file).
    func abandonAtExit() -> Abandoned {
        guard !finished, let temporaryPath, let target else { return .nothing }
        stoppedAtExit = true
        if let keptLength, descriptor >= 0, ftruncate(descriptor, off_t(keptLength)) == 0, fsync(descriptor) == 0,
           rename(temporaryPath, target) == 0 {
            return .kept
        }
        unlink(temporaryPath)
        return .removed
    }

    /// ``discard()``'s work, without the registry's book-keeping.
    private func abandon() -> Abandoned {
        guard !finished else { return .nothing }
        finished = true
        guard let temporaryPath, let target else {
            if descriptor >= 0 { close(descriptor) }
            return .nothing
        }
        if let keptLength, descriptor >= 0, ftruncate(descriptor, off_t(keptLength)) == 0, fsync(descriptor) == 0,
           close(descriptor) == 0 {
            descriptor = -1
            if rename(temporaryPath, target) == 0 { return .kept }
        }
        removeTemporary()
        return .removed
    }

    private func removeTemporary() {
        finished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        if let temporaryPath { unlink(temporaryPath) }
    }
}
