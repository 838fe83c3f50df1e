import Foundation

/// The run's outputs as they stand, kept for a signal handler: which files have been committed,
/// which are unfinished, and whether a stream has been written to.
///
/// Every commit (fsync, rename) runs inside ``committing(_:)``, under one lock; the signal
/// handler takes the same lock in ``abandonAll()``, so a SIGINT or SIGTERM that arrives while
/// outputs are being committed is held until the commit is done, and what the handler reports
/// is what is on disk.
///
/// One belongs to each run (``PipelineRunner/registry``): its outputs, locks and journals register
/// here, and the process's signal watcher holds the same registry, its one way to them.
package final class OutputRegistry: @unchecked Sendable {
    // Unchecked: every stored property below is read and written only under `lock`.
    private let lock = NSRecursiveLock()
    // Guarded by `lock`.
    private var open: [ObjectIdentifier: OutputFile] = [:]
    private var kept: [String] = []
    private var streamWritten = false
    /// Resume journals being kept, and whether each holds an entry (a point a run can go on from).
    private var journals: [String: Bool] = [:]
    /// Temporary files made (``makeTemporary(_:)``) whose output has not registered yet.
    private var pendingTemporaries: Set<String> = []

    package init() {}

    /// What is on disk after the run was stopped by a signal.
    package struct Outcome: Sendable {
        /// Files committed before the stop (also a rejects file cut back to the kept outputs).
        package var kept: [String]
        /// Unfinished files removed.
        package var removed: [String]
        /// Unfinished files kept, with their journals, for `--resume`.
        package var resumable: [String] = []
        /// Whether some output went to a stream (standard output, a FIFO) before the stop.
        package var streamWritten: Bool

        /// `out.csv kept; part-3.csv removed`, or `no output written`.
        package var text: String {
            var parts: [String] = []
            if !kept.isEmpty { parts.append("\(RunSummary.list(kept)) kept") }
            if !removed.isEmpty { parts.append("unfinished \(RunSummary.list(removed)) removed") }
            if !resumable.isEmpty {
                parts.append("unfinished \(RunSummary.list(resumable)) kept with \(resumable.count == 1 ? "its journal" : "their journals"): "
                    + "run the same command again with --resume to go on from where it stopped (without --resume a run starts over)")
            }
            if streamWritten { parts.append("the rows written before the stop were sent to the output stream") }
            return parts.isEmpty ? "no output written" : parts.joined(separator: "; ")
        }
    }

    /// Runs `body` (commits, checkpoints) with signals' clean-up held off until it returns.
    func committing<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    func register(_ file: OutputFile, temporary: String? = nil) {
        committing {
            open[ObjectIdentifier(file)] = file
            if let temporary { pendingTemporaries.remove(temporary) }
        }
    }

    /// `mkstemp` on `template` under the lock, the file noted until its output registers: a
    /// signal handler removes it even then, and none is made once the handler has run.
    func makeTemporary(_ template: inout [CChar]) -> Int32 {
        committing {
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if fd >= 0 { pendingTemporaries.insert(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }) }
            return fd
        }
    }

    /// Forgets a temporary file noted by ``makeTemporary(_:)`` (its output gave up before registering).
    func forgetTemporary(_ path: String) {
        committing { _ = pendingTemporaries.remove(path) }
    }

    func unregister(_ file: OutputFile) {
        committing { _ = open.removeValue(forKey: ObjectIdentifier(file)) }
    }

    /// Output locks held (their files), removed by a signal handler before the process exits.
    private var locks: Set<String> = []

    func registerLock(_ path: String) {
        committing { _ = locks.insert(path) }
    }

    func unregisterLock(_ path: String) {
        committing { _ = locks.remove(path) }
    }

    /// Notes a journal written, `withEntry` when it already holds a point to go on from.
    func registerJournal(_ path: String, withEntry: Bool) {
        committing { journals[path] = withEntry }
    }

    /// Notes an entry appended to a journal.
    func noteJournalEntry(_ path: String) {
        committing { if journals[path] != nil { journals[path] = true } }
    }

    func unregisterJournal(_ path: String) {
        committing { _ = journals.removeValue(forKey: path) }
    }

    /// Notes a committed file (by its name as the user gave it).
    func noteKept(_ name: String) {
        committing { kept.append(name) }
    }

    func noteStreamWritten() {
        committing { streamWritten = true }
    }

    /// Called by a signal handler before the process exits: removes every unfinished temporary
    /// file (a rejects file shared by one-output-per-input runs is cut back to the rows of the
    /// outputs kept and committed), and says what is on disk. Waits up to `wait` seconds for a
    /// commit under way; past that (a write blocked on a full pipe holding it), goes ahead.
    ///
    /// With `keepingResumable` (a request to stop: SIGINT, SIGTERM, SIGHUP), the unfinished files
    /// are left with their journals when a later `--resume` can go on from them, exactly as a run
    /// killed outright leaves them: every journal holds an entry and no file is shared between
    /// outputs (a template run's shared rejects file is cut back and its outputs removed as before).
    ///
    /// The registry's lock stays held until the process exits (the handler exits right after):
    /// no commit, write, lock file or temporary file happens after what it reports.
    package func abandonAll(wait: TimeInterval = 5, keepingResumable: Bool = false) -> Outcome {
        _ = lock.lock(before: Date(timeIntervalSinceNow: wait))
        // The locks go with the process: their files go first (still held, so no run locks one
        // about to go).
        for lock in locks { unlink(lock) }
        let unfinished = open.values.sorted(by: { $0.name < $1.name })
        if keepingResumable, !journals.isEmpty, journals.values.allSatisfy({ $0 }), !unfinished.contains(where: \.isShared) {
            return Outcome(kept: kept, removed: [], resumable: unfinished.filter { !$0.isStream }.map(\.name),
                           streamWritten: streamWritten)
        }
        // Temporary files made for an output that has not registered yet (one continuing a killed
        // run's file is left for --resume above, with the rest).
        for temporary in pendingTemporaries { unlink(temporary) }
        var removed: [String] = []
        for file in unfinished {
            switch file.abandonAtExit() {
            case .kept: kept.append(file.name)
            case .removed: removed.append(file.name)
            case .nothing: break
            }
        }
        open.removeAll()
        for journal in journals.keys { unlink(journal) }
        return Outcome(kept: kept, removed: removed, streamWritten: streamWritten)
    }
}
