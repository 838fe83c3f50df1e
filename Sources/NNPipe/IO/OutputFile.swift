import CFileSync
import Foundation
import Glibc

/// An output: standard output, or a file written atomically.
///
/// A file is written to a temporary file in the same folder (`.NAME.nnpipe-XXXXXX`), synced,
/// and renamed over the target only by ``commit()``; ``discard()`` removes it, leaving any earlier
/// file at the target untouched. Standard output, and a path naming a device or a named pipe,
/// are written directly: they cannot be made atomic.
public final class OutputFile: @unchecked Sendable {
    // Unchecked: written only from the writer's serial queue, and discarded only after the
    // pipeline has drained; the temporary path is immutable.
    let name: String
    private let target: String?
    private let temporaryPath: String?
    private var descriptor: Int32
    private var finished = false

    /// Opens `path` (`-` for standard output).
    public init(path: String) throws {
        name = path == "-" ? "<stdout>" : path
        if path == "-" {
            (target, temporaryPath, descriptor) = (nil, nil, 1)
            return
        }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                throw OutputError(.cannotCreate, file: path, problem: "is a folder")
            }
            // A device or a named pipe (/dev/null, a FIFO) is written to directly: renaming a
            // temporary file over it would replace the device with a regular file.
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw OutputError(.cannotCreate, file: path, operation: "cannot open", errno: errno)
            }
            (target, temporaryPath, descriptor) = (nil, nil, fd)
            return
        }
        let folder: String
        let base: String
        if let slash = path.lastIndex(of: "/") {
            folder = String(path[..<slash]).isEmpty ? "/" : String(path[..<slash])
            base = String(path[path.index(after: slash)...])
        } else {
            folder = "."
            base = path
        }
        // A missing output folder is made, as `mkdir -p` would (a nightly run writing into a
        // new dated folder needs no separate step).
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw OutputError(.cannotCreate, file: path, problem: "cannot create the folder \(folder)")
            }
        }
        var template = Array("\(folder)/.\(base).nnpipe-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw OutputError(.cannotCreate, file: path, operation: "cannot create a file in \(folder)", errno: errno)
        }
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o666 & ~mask)
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        (target, temporaryPath, descriptor) = (path, temporary, fd)
        TemporaryFiles.register(temporary)
    }

    deinit {
        if !finished { discard() }
    }

    /// Bytes written to the temporary file, and how many of them have been handed to writeback.
    private var bytesWritten = 0
    private var bytesSubmitted = 0
    /// Writeback is started every this many bytes of a temporary file, so the disk writes while
    /// nnpipe works and the fsync at the end has little left to do (46 ms of a 0.45 s run on an
    /// 86 MB output, measured with strace, without it).
    static let writebackInterval = 8 << 20

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        defer {
            if temporaryPath != nil {
                bytesWritten += bytes.count
                if bytesWritten - bytesSubmitted >= Self.writebackInterval {
                    // Only a hint: a failure here shows up again, and is reported, at fsync.
                    _ = CFileSync_start_writeback(descriptor, Int64(bytesSubmitted), Int64(bytesWritten - bytesSubmitted))
                    bytesSubmitted = bytesWritten
                }
            }
        }
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { throw OutputError(.brokenPipe, file: name, problem: "the reader went away") }
                    throw OutputError(.writeFailed, file: name, operation: "write failed", errno: errno)
                }
                offset += count
            }
        }
    }

    /// Makes the output final: sync and rename over the target (a file); for standard output or a
    /// device, nothing more to do.
    public func commit() throws {
        guard let target, let temporaryPath else {
            if descriptor > 2 { close(descriptor) }
            descriptor = -1
            finished = true
            return
        }
        if fsync(descriptor) != 0 {
            let code = errno
            discard()
            throw OutputError(.writeFailed, file: name, operation: "sync failed", errno: code)
        }
        if close(descriptor) != 0 {
            let code = errno
            descriptor = -1
            discard()
            throw OutputError(.writeFailed, file: name, operation: "close failed", errno: code)
        }
        descriptor = -1
        if rename(temporaryPath, target) != 0 {
            let code = errno
            discard()
            throw OutputError(.writeFailed, file: name, operation: "cannot rename the finished output into place", errno: code)
        }
        TemporaryFiles.unregister(temporaryPath)
        finished = true
    }

    /// Removes the temporary file; the target is left as it was.
    public func discard() {
        guard !finished else { return }
        finished = true
        if temporaryPath == nil, descriptor > 2 { close(descriptor) }
        if let temporaryPath {
            if descriptor >= 0 { close(descriptor) }
            unlink(temporaryPath)
            TemporaryFiles.unregister(temporaryPath)
        }
    }

}
