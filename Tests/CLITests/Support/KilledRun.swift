import Foundation
import Glibc
import Testing

/// A run of nnpipe killed outright (SIGKILL) from outside, at a place its resume journal shows.
///
/// The binary has no hook that stops it: ``WorkDir/killWhen(_:reaches:_:cutBack:within:)`` starts
/// the run and lets it go on in slices (5 ms, down to 0.1 ms near the chunk asked for); between
/// slices the child is stopped (SIGSTOP, until every thread of it has) while its journal is read,
/// and once an entry counts at least the chunks asked for it is SIGKILLed by its pid, still
/// stopped. So the run goes on only while the test is awake to watch it: on a busy machine a late
/// wake-up lengthens one slice by a few chunks (measured: 0 to 12 past the chunk asked for, with
/// three busy loops beside the tests on 2 cores), where a run watched without stopping it could
/// finish unseen. The journal is then cut back to the entry of exactly that chunk, which is what a kill
/// right after that entry leaves (the temporary output and rejects file, longer than the entry
/// records, are cut back by the resumed run, as after any kill). The pipeline must journal after
/// every chunk (`execution.journal_interval: 0`).
struct KilledRun {
    /// Whether the run was still going when it was killed (false: it had ended first).
    var killed: Bool
    /// The chunks of the journal's last whole entry when the run was killed (nil: no entry).
    var chunksAtKill: Int?
    /// Whether the journal now ends at the entry of exactly the chunks asked for (the output not
    /// complete: no entry `done`).
    var exact: Bool
    /// What the run wrote on standard error.
    var stderr: String

    /// Where it stopped, for messages.
    var description: String {
        killed ? "killed at chunk \(chunksAtKill.map(String.init) ?? "none")\(exact ? ", journal cut back" : "")" : "ended before the kill"
    }
}

/// One whole line of a journal: its text (the checksum left on) and where the line ends.
private struct JournalLine {
    var text: Substring
    var end: Int

    /// The `chunks=` of an entry line; nil for a header line.
    var chunks: Int? {
        guard text.hasPrefix("entry "), let word = text.split(separator: " ").first(where: { $0.hasPrefix("chunks=") }) else { return nil }
        return Int(word.dropFirst("chunks=".count))
    }

    var isDone: Bool { text.hasPrefix("entry ") && text.contains(" done=1 ") }
}

extension WorkDir {
    /// Runs `nnpipe ARGS` here and SIGKILLs it once the journal at `journal` (relative to this
    /// folder) holds an entry of at least `chunks` chunks; with `cutBack`, then cuts the journal
    /// back to the entry of exactly `chunks` (unless the output was already complete: an entry
    /// `done`). Fails the test when neither the entry nor the run's end comes within `seconds`.
    func killWhen(_ journal: String, reaches chunks: Int, _ arguments: [String], cutBack: Bool = true,
                  within seconds: Double = 120) throws -> KilledRun {
        let errURL = url.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

        let journalPath = path(journal)
        let deadline = Date().addingTimeInterval(seconds)
        let pid = process.processIdentifier
        var reached = false
        var counted = 0
        while process.isRunning && Date() < deadline {
            // Shorter slices nearer the chunk asked for.
            usleep(counted + 30 < chunks ? 5_000 : counted + 8 < chunks ? 1_000 : 100)
            kill(pid, SIGSTOP)
            Self.waitUntilStopped(pid, process)
            counted = Self.journalLines(journalPath).compactMap(\.chunks).max() ?? 0
            if counted >= chunks {
                reached = true
                break
            }
            kill(pid, SIGCONT)
        }
        let killed = process.isRunning
        if killed { kill(pid, SIGKILL) }
        process.waitUntilExit()
        if killed && !reached {
            Issue.record("no journal entry of \(chunks) chunks in \(journal) within \(seconds) s: killed anyway")
        }
        let lines = Self.journalLines(journalPath)
        let atKill = lines.last { $0.chunks != nil }?.chunks
        let done = lines.contains(where: \.isDone)
        var exact = atKill == chunks && !done
        if cutBack, killed, !done, let entry = lines.first(where: { $0.chunks == chunks }) {
            exact = truncate(journalPath, off_t(entry.end)) == 0
        }
        return KilledRun(killed: killed, chunksAtKill: atKill, exact: exact,
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// The chunks of the last whole entry of the journal at `journal`; nil when there is none.
    func journalChunks(_ journal: String) -> Int? {
        Self.journalLines(path(journal)).last { $0.chunks != nil }?.chunks
    }

    /// Waits (at most a second) until process `pid`, sent SIGSTOP, has stopped: every thread of it
    /// (the stop its parent is told of), or until it has ended. Only the stop is collected
    /// (`WSTOPPED`): the exit stays for `Process` to reap.
    private static func waitUntilStopped(_ pid: Int32, _ process: Process) {
        let deadline = Date().addingTimeInterval(1)
        var info = siginfo_t()
        while process.isRunning && Date() < deadline {
            info._sifields._kill.si_pid = 0
            if waitid(P_PID, id_t(pid), &info, WSTOPPED | WNOHANG) != 0 || info._sifields._kill.si_pid == pid { return }
            usleep(20)
        }
    }

    /// The journal's whole lines (each ends with a newline; a line being written is left out).
    private static func journalLines(_ path: String) -> [JournalLine] {
        guard let bytes = FileManager.default.contents(atPath: path) else { return [] }
        var lines: [JournalLine] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            lines.append(JournalLine(text: Substring(String(decoding: bytes[start..<newline], as: UTF8.self)), end: newline + 1))
            start = newline + 1
        }
        return lines
    }
}
