import Foundation
import Glibc

/// Removes the temporary files that killed nnpipe runs left in the folders a run writes to,
/// whatever output name they were for (a nightly job writing a dated name never writes the same
/// name again, so ``OutputFile``'s sweep of its own name's leftovers never reaches them).
///
/// A file is removed only when all of these hold: its name is nnpipe's temporary name
/// (`.NAME.nnpipe-PID-XXXXXX`, six letters or digits from mkstemp), it is a regular file last
/// changed more than ``gracePeriod`` ago, its process is not a live nnpipe
/// (``ResumePlanner/isRunning(_:)``), and no resume journal in those folders names it (a killed
/// run that `--resume` can still continue keeps its files).
enum TemporarySweeper {
    /// How old a leftover must be: an hour, longer than any pause of a live run between writes.
    static let gracePeriod: TimeInterval = 3600

    /// The process id in `name` when it is an nnpipe temporary name, else nil.
    static func writer(ofTemporaryName name: String) -> pid_t? {
        guard name.hasPrefix("."), let marker = name.range(of: ".nnpipe-", options: .backwards),
              marker.lowerBound > name.index(after: name.startIndex) else { return nil }
        let rest = name[marker.upperBound...]
        guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { return nil }
        let random = rest[rest.index(after: dash)...]
        guard random.count == 6, random.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return pid
    }

    /// Removes the leftovers in `folders` (absolute paths) and returns them, with their sizes.
    static func sweep(folders: [String], now: Date = Date()) -> [(path: String, bytes: Int)] {
        let listings = folders.map { folder in (folder, (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []) }
        // Every journal's bytes: a temporary file named in any of them is kept.
        var journals: [Data] = []
        for (folder, names) in listings {
            for name in names where name.hasPrefix(".") && name.hasSuffix(".nnpipe-journal") {
                if let bytes = FileManager.default.contents(atPath: folder + "/" + name) { journals.append(bytes) }
            }
        }
        var removed: [(path: String, bytes: Int)] = []
        for (folder, names) in listings {
            for name in names.sorted() {
                guard let pid = writer(ofTemporaryName: name), pid != getpid() else { continue }
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                      now.timeIntervalSince1970 - Double(info.st_mtim.tv_sec) > gracePeriod,
                      !ResumePlanner.isRunning(pid),
                      !journals.contains(where: { $0.range(of: Data(name.utf8)) != nil }) else { continue }
                if unlink(path) == 0 { removed.append((path, Int(info.st_size))) }
            }
        }
        return removed
    }
}
