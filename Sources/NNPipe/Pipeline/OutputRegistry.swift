import Foundation

/// The run's outputs as they stand, kept for a signal handler: which files have been committed,
/// which are unfinished, and whether a stream has been written to.
///
/// Every commit (fsync, rename) runs inside ``committing(_:)``, under one lock; the signal
/// handler takes the same lock in ``abandonAll()``, so a SIGINT or SIGTERM that arrives while
/// outputs are being committed is held until the commit is done, and what the handler reports
/// is what is on disk.
public enum OutputRegistry {
    private static let lock = NSRecursiveLock()
    // Guarded by `lock`.
    private nonisolated(unsafe) static var open: [ObjectIdentifier: OutputFile] = [:]
    private nonisolated(unsafe) static var kept: [String] = []
    private nonisolated(unsafe) static var streamWritten = false
    /// Resume journals being kept: a signal ends the run cleanly, so they go with its outputs.
    private nonisolated(unsafe) static var journals: Set<String> = []

    /// What is on disk after the run was stopped by a signal.
    public struct Outcome: Sendable {
        /// Files committed before the stop (also a rejects file cut back to the kept outputs).
        public var kept: [String]
        /// Unfinished files removed.
        public var removed: [String]
        /// Whether some output went to a stream (standard output, a FIFO) before the stop.
        public var streamWritten: Bool

        /// `out.csv kept; part-3.csv removed`, or `no output written`.
        public var text: String {
            var parts: [String] = []
            if !kept.isEmpty { parts.append("\(RunSummary.list(kept)) kept") }
            if !removed.isEmpty { parts.append("unfinished \(RunSummary.list(removed)) removed") }
            if streamWritten { parts.append("the rows written before the stop were sent to the output stream") }
            return parts.isEmpty ? "no output written" : parts.joined(separator: "; ")
        }
    }

    /// Runs `body` (commits, checkpoints) with signals' clean-up held off until it returns.
    static func committing<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    static func register(_ file: OutputFile) {
        committing { open[ObjectIdentifier(file)] = file }
    }

    static func unregister(_ file: OutputFile) {
        committing { _ = open.removeValue(forKey: ObjectIdentifier(file)) }
    }

    static func registerJournal(_ path: String) {
        committing { _ = journals.insert(path) }
    }

    static func unregisterJournal(_ path: String) {
        committing { _ = journals.remove(path) }
    }

    /// Notes a committed file (by its name as the user gave it).
    static func noteKept(_ name: String) {
        committing { kept.append(name) }
    }

    static func noteStreamWritten() {
        committing { streamWritten = true }
    }

    /// Forgets the files of an earlier run (tests run several in one process).
    public static func reset() {
        committing {
            open.removeAll()
            journals.removeAll()
            kept.removeAll()
            streamWritten = false
        }
    }

    /// Called by a signal handler before the process exits: removes every unfinished temporary
    /// file (a rejects file shared by one-output-per-input runs is cut back to the rows of the
    /// outputs kept and committed), and says what is on disk. Waits up to `wait` seconds for a
    /// commit under way; past that (a write blocked on a full pipe holding it), goes ahead.
    public static func abandonAll(wait: TimeInterval = 5) -> Outcome {
        let locked = lock.lock(before: Date(timeIntervalSinceNow: wait))
        defer { if locked { lock.unlock() } }
        var removed: [String] = []
        for file in open.values.sorted(by: { $0.name < $1.name }) {
            switch file.abandonAtExit() {
            case .kept: kept.append(file.name)
            case .removed: removed.append(file.name)
            case .nothing: break
            }
        }
        open.removeAll()
        for journal in journals { unlink(journal) }
        return Outcome(kept: kept, removed: removed, streamWritten: streamWritten)
    }
}
