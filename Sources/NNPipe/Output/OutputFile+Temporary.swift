import Foundation
import Glibc

/// The temporary file beside a file output: made, or adopted from a killed run, and named so
/// that a later run can tell whose it is.
extension OutputFile {
    /// A temporary file opened for an output.
    struct Temporary {
        var path: String
        var descriptor: Int32
        /// The killed run's file this one is a second name of (see ``OutputFile/releaseAdopted()``).
        var adoptedFrom: String?
        /// The bytes already in it: the length of an adopted file that stays.
        var length: Int
    }

    /// Opens the temporary file of the output at `file` (a resolved, absolute path; `name` as
    /// messages name it), made under `registry`'s lock; `adopting`: a killed run's temporary file
    /// and the length of it that stays (see ``init(path:target:registry:guarded:brokenPipeIsQuiet:adopting:)``).
    static func openTemporary(for file: String, name: String, registry: OutputRegistry,
                              adopting: (path: String, length: Int)?) throws -> Temporary {
        var adoptedFrom: String?
        var length = 0
        let slash = file.lastIndex(of: "/")!  // resolved paths are absolute
        let folder = slash == file.startIndex ? "/" : String(file[..<slash])
        let base = String(file[file.index(after: slash)...])
        // A missing output folder is made, as `mkdir -p` would (a nightly run writing into a
        // new dated folder needs no separate step).
        if !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw OutputError(.cannotCreate, file: name, problem: "cannot create the folder \(folder)")
            }
        }
        // (A file being adopted belongs to a dead process: it is renamed before they are removed.)
        if adopting == nil { Self.removeLeftovers(folder: folder, base: base) }
        // The process id in the name tells a later run whether the file's writer is gone.
        var template = Array("\(Self.temporaryPrefix(of: file))\(getpid())-XXXXXX".utf8CString)
        var fd = registry.makeTemporary(&template)
        guard fd >= 0 else {
            throw OutputError(.cannotCreate, file: name, operation: "cannot create a file in \(folder)", errno: errno)
        }
        var existing = stat()
        if let adopting {
            let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            close(fd)
            fd = -1
            // A second name for the killed run's file rather than a rename: its journal names
            // the old one until this run's journal, naming this one, has replaced it
            // (``releaseAdopted()``), so a kill in between loses nothing. A file system without
            // hard links gets the rename.
            unlink(temporary)
            var opened = false
            if link(adopting.path, temporary) == 0 {
                adoptedFrom = adopting.path
                opened = true
            } else if rename(adopting.path, temporary) == 0 {
                opened = true
            }
            if opened { fd = open(temporary, O_WRONLY | O_CLOEXEC) }
            guard fd >= 0, ftruncate(fd, off_t(adopting.length)) == 0, lseek(fd, 0, SEEK_END) == off_t(adopting.length) else {
                let code = errno
                if fd >= 0 { close(fd) }
                unlink(temporary)
                registry.forgetTemporary(temporary)
                throw OutputError(.cannotCreate, file: name, operation: "cannot continue the unfinished output \(adopting.path)", errno: code)
            }
            if adoptedFrom == nil { Self.removeLeftovers(folder: folder, base: base) }
            length = adopting.length
        } else if stat(file, &existing) == 0 {
            // The replaced file's permissions (and, as root, its owner) carry over.
            fchmod(fd, existing.st_mode & 0o7777)
            if geteuid() == 0 { _ = fchown(fd, existing.st_uid, existing.st_gid) }
        } else {
            let mask = umask(0)
            umask(mask)
            fchmod(fd, 0o666 & ~mask)
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return Temporary(path: temporary, descriptor: fd, adoptedFrom: adoptedFrom, length: length)
    }

    /// What the temporary files of the output `target` (a resolved, absolute path) start with:
    /// `FOLDER/.BASE.nnpipe-` (``SideFileName``: BASE is shortened for a long name), then the writer's process id, a dash and six characters of mkstemp.
    static func temporaryPrefix(of target: String) -> String {
        SideFileName.path(beside: target, suffix: ".nnpipe-")
    }

    /// Whether `path` is the name of a temporary file process `pid` made for the output `target`
    /// (in the output's own folder, as ``temporaryPrefix(of:)`` and mkstemp name it): what a resume
    /// journal may name, and nothing else.
    static func isTemporaryName(_ path: String, of target: String, pid: pid_t) -> Bool {
        let prefix = temporaryPrefix(of: target) + "\(pid)-"
        guard path.hasPrefix(prefix) else { return false }
        let suffix = path.utf8.dropFirst(prefix.utf8.count)
        // mkstemp's six characters: letters and digits.
        return suffix.count == 6 && suffix.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || $0 &- 0x30 < 10 }
    }

    /// Removes the temporary files that runs killed outright (SIGKILL, power loss) left beside
    /// `folder/base`: `.BASE.nnpipe-PID-XXXXXX` whose process no longer exists.
    static func removeLeftovers(folder: String, base: String) {
        let prefix = ".\(SideFileName.stem(of: base)).nnpipe-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder + "/" + name) }
        }
    }
}
