import Foundation
import Glibc
import Testing

/// What a journal must never do: read bytes that belong to the run, let a resumed run read its
/// inputs in another order, or count as kept an output that is no longer there.
@Suite("Resume safety: pipes, input order, committed outputs")
struct ResumeSafetyTests {
    @Test("an input that is a pipe is never opened for the journal: every row is read, with or without --resume")
    func pipeInputKeepsEveryRow() throws {
        let dir = try ResumeTests.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0, "\(reference.stderr)")
        for extra in ["", " --resume"] {
            _ = try Shell.run("cat big.csv | '\(CLI.binary.path)' run p.yaml --input /dev/stdin -o pipe.csv --rejects pipe-rej.csv -q\(extra) 2>err.txt",
                              in: dir.url)
            let messages = try dir.text("err.txt")
            try expectSameBytes(dir.read("pipe.csv"), dir.read("ref.csv"), "with\(extra.isEmpty ? "out" : "") --resume: \(messages)")
            try expectSameBytes(dir.read("pipe-rej.csv"), dir.read("ref-rej.csv"))
        }
    }

    @Test("the same inputs in another order are refused: the journal's position names an input by its place")
    func reorderedInputsAreRefused() throws {
        let dir = try ResumeTests.makeFolder()
        try Shell.run("head -n 30001 big.csv > a.csv && (head -n 1 big.csv; sed -n 30002,60001p big.csv) > b.csv", in: dir.url)
        // Inside b.csv (a.csv is 60 chunks).
        try ResumeTests.runKilled(after: 80, dir, ["run", "p.yaml", "a.csv", "b.csv"])
        let resumed = try dir.bounded(["run", "p.yaml", "b.csv", "a.csv", "--resume"])
        #expect(resumed.status == 78, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("the inputs or their order changed"), "\(resumed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.csv")))
    }

    /// Two inputs (a.csv's 50 chunks, then b.csv's), an uninterrupted template run into ref/, and
    /// the arguments of the same run into out/.
    static func templateRun() throws -> (WorkDir, [String]) {
        let dir = try ResumeTests.makeFolder()
        try Shell.run("mkdir in ref out && head -n 25001 big.csv > in/a.csv && (head -n 1 big.csv; sed -n 25002,60001p big.csv) > in/b.csv",
                      in: dir.url)
        let inputs = ["in/a.csv", "in/b.csv"]
        let reference = try dir.bounded(["run", "p.yaml"] + inputs + ["-o", "ref/{stem}.csv", "--rejects", "ref/{stem}-rej.csv"])
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(dir.exists("ref/a-rej.csv") && dir.exists("ref/b.csv"))
        return (dir, ["run", "p.yaml"] + inputs + ["-o", "out/{stem}.csv", "--rejects", "out/{stem}-rej.csv"])
    }

    /// Runs `arguments`, killed while b.csv is written (after its 20th chunk), after a.csv's commit.
    static func killAfterFirstCommit(_ dir: WorkDir, _ arguments: [String]) throws {
        let run = try dir.killWhen("out/.b.csv.nnpipe-journal", reaches: 20, arguments)
        #expect(run.killed && run.exact, "\(run.description)")
        #expect(FileManager.default.fileExists(atPath: dir.path("out/a.csv")))
    }

    /// out/ holds ref/'s files (a rejects file only for an input with a rejected row) and nothing
    /// of the killed run is left.
    static func expectReference(_ dir: WorkDir, _ context: String) throws {
        for name in ["a.csv", "a-rej.csv", "b.csv", "b-rej.csv"] {
            expectSameBytes(try? dir.read("out/" + name), try? dir.read("ref/" + name), "\(context): \(name)")
        }
        #expect(try ResumeTests.leftovers(dir) == [], "\(context)")
    }

    @Test("a template run whose committed output was removed makes it again instead of counting it as kept")
    func removedCommittedOutputIsMadeAgain() throws {
        let (dir, arguments) = try Self.templateRun()
        for removed in ["a.csv", "a-rej.csv"] {
            try? FileManager.default.removeItem(at: dir.url.appendingPathComponent("out"))
            try Self.killAfterFirstCommit(dir, arguments)
            try FileManager.default.removeItem(at: dir.url.appendingPathComponent("out/" + removed))
            let resumed = try dir.bounded(arguments + ["--resume"])
            #expect(resumed.status == 0, "\(removed) removed: \(resumed.stderr)")
            try Self.expectReference(dir, "\(removed) removed")
        }
    }

    @Test("a template run whose committed output or rejects file changed since the kill (same length or cut) makes it again")
    func changedCommittedOutputIsMadeAgain() throws {
        let (dir, arguments) = try Self.templateRun()
        for (name, change) in [("a.csv", "first byte"), ("a-rej.csv", "same length"), ("a-rej.csv", "emptied")] {
            try? FileManager.default.removeItem(at: dir.url.appendingPathComponent("out"))
            try Self.killAfterFirstCommit(dir, arguments)
            var bytes = try dir.read("out/" + name)
            switch change {
            case "first byte": bytes[bytes.startIndex] ^= 0x20
            case "same length": bytes = Data(repeating: 0x78, count: bytes.count)
            default: bytes = Data()
            }
            try dir.write("out/" + name, bytes)
            let resumed = try dir.bounded(arguments + ["--resume"])
            #expect(resumed.status == 0, "\(name) \(change): \(resumed.stderr)")
            #expect(resumed.stderr.contains("out/a.csv: the output the killed run committed (or its rejects file) is gone or changed: starting this output from the beginning"),
                    "\(name) \(change): \(resumed.stderr)")
            try Self.expectReference(dir, "\(name) \(change)")
        }
    }

    @Test("killed between an output's commit and the release of its lock: --resume removes the dead run's lock file")
    func lockOfCommittedOutputRemoved() throws {
        let (dir, arguments) = try Self.templateRun()
        try Self.killAfterFirstCommit(dir, arguments)
        // The lock file a kill just after a.csv's commit leaves, naming a process that is gone.
        try dir.write("out/.a.csv.nnpipe-lock", "999999999\n")
        let resumed = try dir.bounded(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try Self.expectReference(dir, "a dead run's lock file")
        #expect(!dir.exists("out/.a.csv.nnpipe-lock"))
    }

    @Test("killed between an output's rename and its rejects file's: --resume commits the rejects the journal vouches for, never an earlier night's")
    func rejectsCommitFinished() throws {
        let (dir, arguments) = try Self.templateRun()
        try Self.killAfterFirstCommit(dir, arguments)
        // Put the state of a kill between a.csv's two renames: its rejects back under the
        // temporary name its journal records, and an earlier night's rejects file at the target.
        let journal = try dir.text("out/.a.csv.nnpipe-journal")
        let line = try #require(journal.split(separator: "\n").first { $0.hasPrefix("rejects ") })
        let temporary = String(line.split(separator: " ")[1])
        #expect(rename(dir.path("out/a-rej.csv"), temporary.hasPrefix("/") ? temporary : dir.path(temporary)) == 0)
        try dir.write("out/a-rej.csv", "an earlier night's rejects\n")
        let resumed = try dir.bounded(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("committed it now"), "\(resumed.stderr)")
        try Self.expectReference(dir, "rejects committed on resume")
    }

    @Test("a resumed run killed while it skips to the journal's entry loses nothing: the next --resume goes on from that entry",
          .bounded(minutes: 8))
    func killDuringTheSkip() throws {
        let dir = try ResumeTests.makeFolder()
        let arguments = ["run", "p.yaml", "--input", "big.csv.gz"]
        let reference = try dir.bounded(arguments + ["-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0, "\(reference.stderr)")
        try ResumeTests.runKilled(after: 100, dir, arguments)
        // Killed again, five times, as soon as the resumed run has its own name for the killed
        // run's output (the file it continues, so not the empty one mkstemp makes): that is
        // before its journal replaces the killed run's one, or in its skip through the gzip input.
        for attempt in 0..<5 {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = arguments + ["--resume", "--quiet"]
            process.currentDirectoryURL = dir.url
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
            let prefix = ".out.csv.nnpipe-\(process.processIdentifier)-"
            let adopted = poll(seconds: 60) {
                guard process.isRunning else { return true }
                return ((try? dir.listing()) ?? []).contains { name in
                    var info = stat()
                    return name.hasPrefix(prefix) && stat(dir.path(name), &info) == 0 && info.st_size > 0
                }
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(adopted, "attempt \(attempt): the resumed run never continued the killed run's file")
        }
        let resumed = try dir.bounded(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        // At least the first kill's 50000 rows (a resumed run may have journaled more before its kill).
        let rowsResumed = resumed.stderr.firstMatch(of: /\((\d+) by the run resumed\)/).flatMap { Int($0.1) } ?? 0
        #expect(rowsResumed >= 50000, "\(resumed.stderr)")
        try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"))
        try expectSameBytes(dir.read("rej.csv"), dir.read("ref-rej.csv"))
        #expect(try ResumeTests.leftovers(dir) == [])
    }
}
