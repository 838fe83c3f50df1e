import Foundation
import Glibc

/// An exclusive lock on one output, held by a run from before it opens the output until the
/// output is committed or removed, so that two runs writing the same file do not both do the work
/// (cron starting a night's job while last night's still runs): the second one stops with status 75
/// (EX_TEMPFAIL) naming the first one's process, or waits for it (`--wait-lock SECONDS`).
///
/// The lock is `flock` on `.NAME.nnpipe-lock` beside the output, which holds the holder's process
/// id for the message. The kernel drops it when its process ends, however it ends (SIGKILL, a
/// crash), so a stale lock file never blocks a run. The holder removes the file while it still
/// holds the lock; a run that locked a file just removed sees it is no longer at its path, and
/// locks again.
final class OutputLock {
    private let path: String
    private var descriptor: Int32
    /// The run's registry, which lists the lock file for a signal handler to remove.
    private let registry: OutputRegistry

    /// Takes the lock of the output at `target` (a file path), waiting up to `wait` seconds for a
    /// run that holds it; `name` is the output as messages name it.
    init(target: String, name: String, wait: Double, registry: OutputRegistry) throws {
        path = SideFileName.path(beside: target, suffix: ".nnpipe-lock")
        self.registry = registry
        let deadline = Date().addingTimeInterval(wait)
        let path = self.path
        while true {
            // Made, locked and registered under the registry's lock, so that a signal handler
            // (which holds it until the process exits) removes the file or sees none made.
            let attempt = try registry.committing { () throws -> (descriptor: Int32, code: Int32, holder: Int32?) in
                // Never through a link: a lock file's bytes are overwritten with the process id, and a
                // symbolic or hard link left at its name would take them into another file.
                let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else {
                    let code = errno
                    if code == ELOOP { throw Self.notOwn(path, name: name, what: "a symbolic link") }
                    throw OutputError(.cannotCreate, file: name, operation: "cannot create the lock file \(path)", errno: code)
                }
                if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                    // Removed by the run that held it, after we opened it: lock the new one.
                    guard Self.isStill(descriptor, at: path) else {
                        close(descriptor)
                        return (-1, EINTR, nil)
                    }
                    var info = stat()
                    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
                        close(descriptor)
                        throw Self.notOwn(path, name: name, what: info.st_mode & S_IFMT == S_IFREG ? "a file with other names (a hard link)" : "not a regular file")
                    }
                    let pid = Array("\(getpid())\n".utf8)
                    _ = ftruncate(descriptor, 0)
                    _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
                    registry.registerLock(path)
                    return (descriptor, 0, nil)
                }
                let code = errno
                let holder = Self.holder(descriptor)
                close(descriptor)
                return (-1, code, holder)
            }
            if attempt.descriptor >= 0 {
                descriptor = attempt.descriptor
                return
            }
            if attempt.code == EINTR && attempt.holder == nil { continue }
            guard attempt.code == EWOULDBLOCK || attempt.code == EINTR else {
                throw OutputError(.cannotCreate, file: name, operation: "cannot lock \(path)", errno: attempt.code)
            }
            if Date() >= deadline {
                throw OutputLocked(file: name, holder: attempt.holder, waited: wait)
            }
            usleep(100_000)
        }
    }

    /// Removes the lock file and drops the lock (removed first, while held, so that no run locks
    /// a file about to go).
    func release() {
        guard descriptor >= 0 else { return }
        registry.unregisterLock(path)
        unlink(path)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// The refusal of a lock file that nnpipe did not make as its own: status 73, the file left alone.
    private static func notOwn(_ path: String, name: String, what: String) -> OutputError {
        OutputError(.cannotCreate, file: name, problem: "the lock file \(path) is \(what), not a file of nnpipe's own; remove it and run again (it was left alone)")
    }

    /// Whether `descriptor` is still the file at `path`.
    private static func isStill(_ descriptor: Int32, at path: String) -> Bool {
        var open = stat(), named = stat()
        return fstat(descriptor, &open) == 0 && stat(path, &named) == 0 && open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// The process id the holder wrote, if it is there yet.
    private static func holder(_ descriptor: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 16, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Another run holds an output's lock: status 75 (EX_TEMPFAIL), a later try may succeed.
package struct OutputLocked: NNPipeError {
    package var file: String
    package var holder: Int32?
    package var waited: Double

    package var message: String {
        let who = holder.map { "another nnpipe (process \($0))" } ?? "another nnpipe"
        let waiting = waited > 0 ? "; waited \(Self.seconds(waited))" : ""
        return "\(file): \(who) is writing this output\(waiting); run again when it is done, or give --wait-lock SECONDS to wait for it"
    }

    package var exitStatus: ExitStatus { .tempFailure }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
