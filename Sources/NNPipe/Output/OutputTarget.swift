import Foundation
import Glibc

/// Where an output path leads, decided before anything is written.
///
/// A stream (`-`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, or a symlink to
/// one) is written through the process's own descriptor, exactly as `-` is: renaming a temporary
/// file over `/dev/stdout` would replace the system's symlink and leave the redirect target empty.
/// A device, FIFO or socket is opened and written in place. Anything else is a regular file,
/// existing or not, named by its path with every symlink resolved, so that replacing it
/// atomically replaces the file a symlink points to and the symlink stays.
package enum OutputTarget: Equatable, Sendable {
    /// A descriptor this process already holds (1 for standard output).
    case descriptor(Int32)
    /// A device, FIFO or socket, written in place.
    case special(String)
    /// A regular file, existing or to be made, at this path with every symlink resolved.
    case file(String)

    /// The names that always mean one of this process's descriptors.
    private static let streamNames: [String: Int32] = ["/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2]

    /// Resolves `path` (`-` for standard output), following symlinks one hop at a time so that a
    /// link to a stream is seen as a stream. Throws for an empty path, a folder, or a symlink loop.
    package static func resolve(_ path: String) throws(OutputError) -> OutputTarget {
        if path == "-" { return .descriptor(1) }
        guard !path.isEmpty else { throw OutputError(.cannotCreate, file: "''", problem: "the output path is empty") }
        if path.hasSuffix("/") {
            throw OutputError(.cannotCreate, file: path, problem: "names a folder; an output path must name a file")
        }
        var current = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        for _ in 0..<40 {
            let (parent, base) = split(current)
            guard let realParent = realPath(parent) else {
                // The folder does not exist yet: it is made before writing (mkdir -p). Its nearest
                // existing ancestor is resolved, so two spellings of one new path compare equal.
                return .file(resolvingExistingAncestor(lexicallyNormalized(current)))
            }
            let candidate = realParent == "/" ? "/" + base : realParent + "/" + base
            if let number = streamNames[candidate] ?? descriptorNumber(candidate) { return .descriptor(number) }
            var info = stat()
            if base == "." || base == ".." {
                throw OutputError(.cannotCreate, file: path, problem: "is a folder; an output path must name a file")
            }
            guard lstat(candidate, &info) == 0 else { return .file(candidate) }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                guard let target = readLink(candidate) else { return .file(candidate) }
                current = target.hasPrefix("/") ? target : (realParent == "/" ? "/" : realParent + "/") + target
            case S_IFREG:
                return .file(candidate)
            case S_IFDIR:
                throw OutputError(.cannotCreate, file: path, problem: "is a folder; an output path must name a file")
            default:
                return .special(candidate)
            }
        }
        throw OutputError(.cannotCreate, file: path, problem: "too many levels of symbolic links")
    }

    /// Whether the output is written in place (a descriptor or a device) rather than replaced.
    package var isStream: Bool {
        if case .file = self { return false }
        return true
    }

    /// The file's identity, for telling whether two paths name the same file: device and inode
    /// when it exists (and is a regular file), else its resolved path. Nil for streams and devices,
    /// which are written in place and cannot overwrite what a run reads.
    package var identity: FileIdentity? {
        switch self {
        case .descriptor(let number):
            var info = stat()
            guard fstat(number, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return .inode(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        case .special:
            return nil
        case .file(let path):
            return FileIdentity.of(path) ?? .path(path)
        }
    }

    /// `/proc/self/fd/N`, `/proc/thread-self/fd/N`, `/proc/PID/fd/N` and `/proc/PID/task/TID/fd/N`
    /// with this process's PID, or `/dev/fd/N`: descriptor N of this process.
    static func descriptorNumber(_ path: String) -> Int32? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 3, parts[parts.count - 2] == "fd", let number = Int32(parts[parts.count - 1]) else { return nil }
        let head = Array(parts.dropLast(2))
        let ownProcess = ["self", "thread-self", String(getpid())]
        switch head.count {
        case 1 where head[0] == "dev": return number
        case 2 where head[0] == "proc" && ownProcess.contains(head[1]): return number
        case 4 where head[0] == "proc" && ownProcess.contains(head[1]) && head[2] == "task": return number
        default: return nil
        }
    }

    private static func split(_ path: String) -> (parent: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let parent = String(path[..<slash])
        return (parent.isEmpty ? "/" : parent, String(path[path.index(after: slash)...]))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` (absolute, normalized) with its longest existing leading folder resolved by `realpath`.
    static func resolvingExistingAncestor(_ path: String) -> String {
        var head = path
        var tail: [Substring] = []
        while let slash = head.lastIndex(of: "/"), head != "/" {
            tail.insert(head[head.index(after: slash)...], at: 0)
            head = slash == head.startIndex ? "/" : String(head[..<slash])
            if let resolved = realPath(head) {
                return (resolved == "/" ? "" : resolved) + "/" + tail.joined(separator: "/")
            }
        }
        return path
    }

    /// `path` (absolute) with `.` and `..` and repeated slashes removed, as text: for paths whose
    /// folders do not exist yet, so no symlink can lie in the missing part.
    static func lexicallyNormalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}

/// What makes two paths the same file.
package enum FileIdentity: Hashable, Sendable {
    case inode(device: UInt64, inode: UInt64)
    /// A file that does not exist yet, by its resolved path.
    case path(String)

    /// The device and inode of the regular file `path` leads to, or nil when there is none.
    package static func of(_ path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return .inode(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Standard input's file, when it is a regular file (`< data.csv`).
    package static var standardInput: FileIdentity? {
        var info = stat()
        guard fstat(0, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return .inode(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
