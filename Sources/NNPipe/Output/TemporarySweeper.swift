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
/// run that `--resume` can still continue keeps its files). A journal goes, and with it that
/// protection, when it was last written more than ``journalGracePeriod`` ago by a process that
/// is not a live nnpipe, unless it is the journal of one of this run's own outputs (which this
/// run's `--resume` may continue).
enum TemporarySweeper {
    /// How old a leftover must be: an hour, longer than any pause of a live run between writes.
    static let gracePeriod: TimeInterval = 3600
    /// How long a killed run's journal (and the files it names) is kept for a `--resume` by hand.
    static let journalGracePeriod: TimeInterval = 7 * 24 * 3600

    /// What was removed: a path, its size, and whether it was a journal.
    struct Removed {
        var path: String
        var bytes: Int
        var isJournal: Bool
    }

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

    /// Removes the leftovers in `folders` (absolute paths) and returns them, with their sizes;
    /// `ownJournals` are the journal paths of the run's own outputs, never removed.
    static func sweep(folders: [String], ownJournals: Set<String> = [], now: Date = Date()) -> [Removed] {
        let listings = folders.map { folder in (folder, (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []) }
        var removed: [Removed] = []
        // Every journal's bytes: a temporary file named in any of them is kept.
        var journals: [Data] = []
        for (folder, names) in listings {
            for name in names.sorted() where name.hasPrefix(".") && name.hasSuffix(".nnpipe-journal") {
                let path = folder + "/" + name
                var info = stat()
                if !ownJournals.contains(path), lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                   now.timeIntervalSince1970 - Double(info.st_mtim.tv_sec) > journalGracePeriod,
                   !(ResumeJournal.writer(path).map(ResumePlanner.isRunning) ?? false), unlink(path) == 0 {
                    removed.append(Removed(path: path, bytes: Int(info.st_size), isJournal: true))
                    continue
                }
                if let bytes = FileManager.default.contents(atPath: path) { journals.append(bytes) }
            }
        }
        for (folder, names) in listings {
            for name in names.sorted() {
                guard let pid = writer(ofTemporaryName: name), pid != getpid() else { continue }
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                      now.timeIntervalSince1970 - Double(info.st_mtim.tv_sec) > gracePeriod,
                      !ResumePlanner.isRunning(pid),
                      !journals.contains(where: { $0.range(of: Data(name.utf8)) != nil }) else { continue }
                if unlink(path) == 0 { removed.append(Removed(path: path, bytes: Int(info.st_size), isJournal: false)) }
            }
        }
        return removed
    }
}
