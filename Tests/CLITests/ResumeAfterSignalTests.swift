import Foundation
import Glibc
import Testing

/// Ctrl-C, `timeout`, systemd and batch schedulers stop a run with SIGINT, SIGTERM or SIGHUP: the
/// unfinished output stays with its journal, the message says to run again with --resume, and
/// that run ends with the bytes an uninterrupted run writes. A run without --resume starts over
/// and removes what the stopped one left.
@Suite("A run stopped by SIGINT, SIGTERM or SIGHUP goes on with --resume")
struct ResumeAfterSignalTests {
    /// Every signal; under ThreadSanitizer SIGTERM alone (the three take the same path through the
    /// threads, and each case there took over two minutes).
    static let cases = runsSanitized ? signalCases.filter { $0.signal == SIGTERM }
        : signalCases + [SignalCase(name: "SIGHUP", signal: SIGHUP, status: 129, word: "hung up (SIGHUP)")]

    /// Starts `nnpipe run p.yaml` (its pipeline journals after every chunk), waits until the journal
    /// holds an entry, sends `signal`; returns the exit status and standard error, or nil when the
    /// run ended first.
    static func stopped(_ dir: WorkDir, by signal: Int32, extra: [String] = []) throws -> (status: Int32, stderr: String)? {
        let errURL = dir.url.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", "p.yaml"] + extra
        process.currentDirectoryURL = dir.url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        let entry = try poll(seconds: 60) {
            guard process.isRunning else { return true }
            return try dir.listing().contains { name in
                guard name.hasSuffix("journal"), let text = try? dir.text(name) else { return false }
                // Whole lines (each ends with a checksum) after the header's last one, `header-end ~…`:
                // two entries. The run counts its journal resumable just after the first entry's
                // line is written; a signal in between removes the files, as before any entry
                // (seen once under ThreadSanitizer on 2 busy cores). By the second, it has.
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                guard let end = lines.firstIndex(where: { $0.hasPrefix("header-end") }) else { return false }
                return lines.distance(from: end, to: lines.endIndex) > 2
            }
        }
        #expect(entry, "no journal entry within 60 s")
        guard process.isRunning else { return nil }
        #expect(kill(process.processIdentifier, signal) == 0)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        return (process.terminationStatus, try dir.text("err.txt"))
    }

    @Test("the stopped run's files stay; --resume ends with an uninterrupted run's bytes",
          .bounded(minutes: 8), arguments: cases, ["out.csv", "out.csv.gz"])
    func resumeAfterSignal(_ s: SignalCase, output: String) throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "big.csv", output: output, execution: "execution:\n  chunk_rows: 2000\n  journal_interval: 0")
        for rows in [600_000, 3_000_000] {
            try writeBigInput(dir, rows: rows)
            let reference = try dir.bounded(["run", "p.yaml", "--output", "reference-\(output)", "--quiet"])
            #expect(reference.status == 0, "\(reference.stderr)")
            guard let stop = try Self.stopped(dir, by: s.signal) else {
                print("\(s.name): the run over \(rows) rows ended before the signal; trying a bigger input")
                continue
            }
            #expect(stop.status == s.status, "\(stop.stderr)")
            #expect(stop.stderr.contains("\(s.word); unfinished \(output) kept with its journal: run the same command again with --resume"),
                    "\(stop.stderr)")
            #expect(errorLines(stop.stderr).count == 1, "\(stop.stderr)")
            #expect(!dir.exists(output), "the stopped run committed its output")
            #expect(!temporaryFiles(try dir.listing()).isEmpty, "the temporary output was removed")

            let resumed = try dir.bounded(["run", "p.yaml", "--resume", "--stats-json", "stats.json"])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            try expectSameBytes(dir.read(output), dir.read("reference-\(output)"), "the resumed output against an uninterrupted run's")
            let stats = try JSONSerialization.jsonObject(with: dir.read("stats.json")) as? [String: Any]
            #expect((stats?["rows_resumed"] as? Int ?? 0) > 0, "nothing was resumed: \(resumed.stderr)")
            #expect(temporaryFiles(try dir.listing()).isEmpty)

            // Stopped again, then run without --resume: it starts over and removes the leftovers.
            try FileManager.default.removeItem(atPath: dir.path(output))
            guard try Self.stopped(dir, by: s.signal) != nil else { return }
            let again = try dir.bounded(["run", "p.yaml"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stderr.contains("removed the unfinished output of an earlier run"), "\(again.stderr)")
            try expectSameBytes(dir.read(output), dir.read("reference-\(output)"), "a run started over after a stop")
            let left = try dir.listing()
            #expect(temporaryFiles(left).isEmpty, "\(left)")
            return
        }
        Issue.record("every run ended before the signal; nothing was stopped")
    }

    @Test("a template run with one shared rejects file, stopped by SIGTERM at seeded moments: every kept file is an uninterrupted run's (the rejects a prefix, no byte after the cut)",
          .bounded(minutes: 8))
    func sharedRejectsAtRandomMoments() throws {
        let dir = try ResumeTests.makeFolder()
        // Six inputs with a bad row every 50 rows: the shared rejects file grows all the time.
        try Shell.run(#"mkdir in ref && for p in 1 2 3 4 5 6; do awk -v p=$p 'BEGIN { print "id,x1,x2"; for (i = 1; i <= 40000; i++) if (i % 50 == 0) print p "-" i ",abc,1"; else print p "-" i "," (i % 97) / 8 "," (i % 89) / 4 }' > in/p$p.csv; done"#,
                      in: dir.url)
        let inputs = (1...6).map { "in/p\($0).csv" }
        let reference = try dir.bounded(["run", "p.yaml"] + inputs + ["-o", "ref/{stem}.csv", "--rejects", "ref/rejects.csv"])
        #expect(reference.status == 0, "\(reference.stderr)")
        let referenceRejects = try dir.read("ref/rejects.csv")
        var random = SplitMix64(state: 20261204)
        for round in 0..<6 {
            try? FileManager.default.removeItem(at: dir.url.appendingPathComponent("out"))
            try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("out"), withIntermediateDirectories: true)
            let delay = 0.02 + Double(random.next(400)) / 1000
            let ended = try ResumeTests.killAfter(delay, dir, ["run", "p.yaml"] + inputs + ["-o", "out/{stem}.csv", "--rejects", "out/rejects.csv", "--quiet"],
                                                  signal: SIGTERM)
            let context = "round \(round), SIGTERM after \(delay) s"
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path("out"))
            for name in names where !name.contains(".nnpipe-") {
                if name == "rejects.csv" {
                    let kept = try dir.read("out/rejects.csv")
                    #expect(!kept.contains(0), "\(context): NUL bytes in the kept rejects file")
                    #expect(referenceRejects.starts(with: kept), "\(context): the kept rejects are not the uninterrupted run's first ones")
                } else {
                    try expectSameBytes(dir.read("out/" + name), dir.read("ref/" + name), "\(context): \(name)")
                }
            }
            // A signal before nnpipe set its handlers up ends it as SIGKILL would (its leftovers are
            // the next run's to sweep); a handled one leaves nothing behind.
            if ended == .exit {
                #expect(names.filter { $0.contains(".nnpipe-") } == [], "\(context)")
            }
        }
    }
}
