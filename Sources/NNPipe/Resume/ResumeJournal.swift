import Foundation
import Glibc

/// The journal kept beside a temporary output, `.NAME.nnpipe-journal`, so that a run killed
/// outright can be continued by `nnpipe run --resume`.
///
/// A header names the process, the temporary output and rejects files and the run's
/// ``RunIdentity``; then come entries (``ResumePoint``), appended as the run goes, each only after
/// the data it counts has been synced. Every line carries a checksum (``JournalText``): a line
/// torn by the kill is ignored and the entry before it is used.
final class ResumeJournal {
    /// What a journal holds.
    struct Contents {
        var pid: pid_t
        var outputTemporary: String
        var rejectsTemporary: String?
        var identity: RunIdentity
        /// The last whole entry; nil when the run was killed before writing one.
        var last: ResumePoint?
    }

    /// The journal's path for an output whose (resolved) file is `target`.
    static func path(forTarget target: String) -> String {
        SideFileName.path(beside: target, suffix: ".nnpipe-journal")
    }

    /// The process that wrote the journal at `path`, read even from a damaged journal; nil
    /// when there is none.
    static func writer(_ path: String) -> pid_t? {
        guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
        let lines = JournalText.lines(Array(bytes))
        return lines.first { $0.hasPrefix("pid ") }.flatMap { pid_t($0.dropFirst(4)) }
    }

    /// The journal's first line. 2: entries carry the next chunk's cut (`cut=`); a journal of
    /// format 1 has none, and resuming from it could cut chunks, and so gzip members, elsewhere.
    static let formatLine = "nnpipe-journal 2"

    /// Reads the journal at `path`: nil when there is none, its header is incomplete, or it is of
    /// another format.
    static func read(_ path: String) -> Contents? {
        guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
        let lines = JournalText.lines(Array(bytes))
        guard lines.first == Self.formatLine, let end = lines.firstIndex(of: "header-end") else { return nil }
        var pid: pid_t?
        var output: String?
        var rejects: String?
        var parts: [RunIdentity.Part] = []
        for line in lines[1..<end] {
            let words = line.split(separator: " ", omittingEmptySubsequences: false)
            switch words.first {
            case "pid": pid = words.count == 2 ? pid_t(words[1]) : nil
            case "output" where words.count == 2: output = JournalText.unescape(words[1])
            case "rejects" where words.count == 2: rejects = JournalText.unescape(words[1])
            case "identity" where words.count >= 4:
                parts.append(RunIdentity.Part(kind: String(words[1]), name: JournalText.unescape(words[2]),
                                              value: words[3...].joined(separator: " ")))
            default: return nil
            }
        }
        guard let pid, let output else { return nil }
        let last = lines[(end + 1)...].compactMap(ResumePoint.init(line:)).last
        return Contents(pid: pid, outputTemporary: output, rejectsTemporary: rejects, identity: RunIdentity(parts: parts), last: last)
    }

    let path: String
    private var descriptor: Int32
    /// The run's registry, which lists the journal for a signal handler.
    private let registry: OutputRegistry

    /// Writes a new journal at `path` holding `contents` (its header, and its entry when resuming),
    /// replacing any earlier one in one rename; registered with the run's `registry`.
    init(path: String, contents: Contents, registry: OutputRegistry) throws {
        self.path = path
        self.registry = registry
        var text = JournalText.line(Self.formatLine) + JournalText.line("pid \(contents.pid)")
            + JournalText.line("output \(JournalText.escape(contents.outputTemporary))")
        if let rejects = contents.rejectsTemporary { text += JournalText.line("rejects \(JournalText.escape(rejects))") }
        for part in contents.identity.parts { text += JournalText.line("identity \(part.line)") }
        text += JournalText.line("header-end")
        if let last = contents.last { text += JournalText.line(last.line) }
        // Named as a temporary file of this process, so that a later run removes it if this
        // process dies before the rename.
        let fresh = String(path.dropLast("journal".count)) + "\(getpid())-journal"
        descriptor = -1
        // Made, renamed into place and registered under the registry's lock: a signal handler
        // (which keeps the lock until the process exits) removes the journal, or sees none made.
        try registry.committing {
            descriptor = open(fresh, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw OutputError(.cannotCreate, file: path, operation: "cannot create the resume journal", errno: errno)
            }
            do {
                try write(text)
                guard fsync(descriptor) == 0, rename(fresh, path) == 0 else {
                    throw OutputError(.writeFailed, file: path, operation: "cannot write the resume journal", errno: errno)
                }
                registry.registerJournal(path, withEntry: contents.last != nil)
            } catch {
                close(descriptor)
                unlink(fresh)
                throw error
            }
        }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Appends an entry (its data already synced by the caller).
    func append(_ point: ResumePoint) throws {
        try write(JournalText.line(point.line))
        registry.noteJournalEntry(path)
    }

    /// Removes the journal (the output is committed, or the run ended otherwise).
    func remove() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
        registry.unregisterJournal(path)
    }

    private func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputError(.writeFailed, file: path, operation: "cannot write the resume journal", errno: errno)
            }
            offset += count
        }
    }
}
