import Foundation
import Glibc
import Testing

/// `nnpipe run --resume`: a run killed outright (SIGKILL) and resumed ends byte-identical to one
/// that was never killed.
///
/// Inputs are plain or gzip, outputs plain, gzip or zstd, with the reject policy and one bad row.
/// Some resumed runs are killed again before they finish. Runs are stopped two ways: by a SIGKILL
/// once the journal counts N chunks, the journal then cut back to chunk N (``KilledRun``: the
/// state of a kill right after that entry), and by a SIGKILL after a random delay.
/// `execution.journal_interval: 0` makes the journal take an entry after every chunk, so that
/// short runs have entries to resume from. The moments are drawn from a seed, printed;
/// `NNPIPE_RESUME_SEED` replays one and `NNPIPE_RESUME_KILLS` sets how many kills (12 by default,
/// 4 under ThreadSanitizer: still one resume killed again and one SIGKILL after a random delay).
@Suite struct ResumeTests {
    static let seed = ProcessInfo.processInfo.environment["NNPIPE_RESUME_SEED"].flatMap(UInt64.init) ?? 20261129
    static let kills = ProcessInfo.processInfo.environment["NNPIPE_RESUME_KILLS"].flatMap(Int.init) ?? (runsSanitized ? 4 : 12)

    @Test func aRunKilledAtRandomMomentsResumesToTheSameBytes() throws {
        print("ResumeTests: seed \(Self.seed), \(Self.kills) kills (NNPIPE_RESUME_SEED, NNPIPE_RESUME_KILLS)")
        var random = SplitMix64(state: Self.seed)
        let dir = try Self.makeFolder()
        let chunks = Self.rows / Self.chunkRows
        var references: [String: (output: Data, rejects: Data, seconds: Double)] = [:]
        for kill in 0..<Self.kills {
            let input = random.next(2) == 0 ? "big.csv" : "big.csv.gz"
            let output = ["out.csv", "out.csv.gz", "out.csv.zst"][random.next(3)]
            let rejects = random.next(2) == 0 ? "rej.csv" : "rej.csv.gz"
            let arguments = ["run", "p.yaml", "--input", input, "-o", output, "--rejects", rejects]
            let key = arguments.joined(separator: " ")
            if references[key] == nil {
                let started = Date()
                let reference = try dir.bounded(arguments + ["-o", "ref-" + output, "--rejects", "ref-" + rejects])
                #expect(reference.status == 0, "\(reference.stderr)")
                references[key] = (try dir.read("ref-" + output), try dir.read("ref-" + rejects), Date().timeIntervalSince(started))
            }
            guard let reference = references[key] else { continue }
            // A third of the kills are real SIGKILLs at a random moment of the run; the rest stop
            // right after a random chunk.
            let moment: String
            if kill % 3 == 2 {
                let delay = Double(random.next(1000)) / 1000 * reference.seconds
                moment = "SIGKILL after \(String(format: "%.3f", delay)) s"
                try Self.killAfter(delay, dir, arguments)
            } else {
                let after = 1 + random.next(chunks)
                let run = try dir.killWhen(Self.journal(of: output), reaches: after, arguments)
                moment = "after chunk \(after) (\(run.description))"
                // The last chunk's entry is followed at once by the commit: the run may end first.
                #expect((run.killed && run.exact) || after >= chunks - 1, "\(moment): \(run.stderr)")
            }
            var moment2 = ""
            if kill % 4 == 1 {
                // Killed again while resuming.
                let after = 1 + random.next(chunks / 2)
                let before = dir.journalChunks(Self.journal(of: output)) ?? 0
                let run = try dir.killWhen(Self.journal(of: output), reaches: before + after, arguments + ["--resume"])
                moment2 = ", then after \(after) more chunks of the resumed run (\(run.description))"
            }
            let resumed = try dir.bounded(arguments + ["--resume"])
            let context = "seed \(Self.seed), kill \(kill): \(key), \(moment)\(moment2)"
            #expect(resumed.status == 0, "\(context): \(resumed.stderr)")
            try expectSameBytes(dir.read(output), reference.output, "\(context): the output differs")
            try expectSameBytes(dir.read(rejects), reference.rejects, "\(context): the rejects differ")
            let left = try Self.leftovers(dir)
            #expect(left == [], "\(context): \(left)")
            if output.hasSuffix(".gz") {
                let valid = try Shell.run("gzip -t \(output) && echo valid", in: dir.url)
                #expect(String(decoding: valid, as: UTF8.self) == "valid\n", "\(context): not a valid gzip file")
            }
            try FileManager.default.removeItem(at: dir.url.appendingPathComponent(output))
            try FileManager.default.removeItem(at: dir.url.appendingPathComponent(rejects))
        }
    }

    @Test func aResumedRunCountsTheWholeRunAndWhatWasResumed() throws {
        let dir = try Self.makeFolder()
        try Self.runKilled(after: 50, dir, ["run", "p.yaml"])
        let resumed = try dir.bounded(["run", "p.yaml", "--resume", "--stats-json", "stats.json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let stats = try dir.text("stats.json")
        #expect(stats.contains(#""rows_read": 60000, "rows_written": 59999, "rows_skipped": 0, "rows_rejected": 1"#), "\(stats)")
        #expect(stats.contains(#""rows_resumed": 25000,"#), "\(stats)")
        #expect(resumed.stderr.contains("60000 rows read (25000 by the run resumed), 59999 written"), "\(resumed.stderr)")
    }

    /// Rows wide enough that chunk_bytes cuts the chunks: the first chunk is cut at chunk_bytes,
    /// the later ones at the cut learned from it (whole 256-row blocks, within twice chunk_bytes).
    /// A gzip output has a member per chunk, so a resumed run must go on with the learned cut,
    /// not start over with the first chunk's, or its members (and bytes) differ.
    @Test func aResumedGzipOutputOfWideRowsKeepsTheKilledRunsChunkCuts() throws {
        let dir = try WorkDir()
        let folder = CLI.fixture("golden/blas-wide")
        try dir.write("p.yaml", pipelineYAML(input: folder.appendingPathComponent("input.csv").path,
                                             model: folder.appendingPathComponent("model.json").path,
                                             features: (0..<64).map { "x\($0)" }, output: "out.csv.gz",
                                             execution: "execution:\n  chunk_bytes: 20000\n  workers: 2\n  journal_interval: 0"))
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv.gz"])
        #expect(reference.status == 0, "\(reference.stderr)")
        for after in [1, 4] {
            try Self.runKilled(after: after, dir, ["run", "p.yaml"], journal: Self.journal(of: "out.csv.gz"))
            let resumed = try dir.bounded(["run", "p.yaml", "--resume"])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stderr.contains("by the run resumed"), "\(resumed.stderr)")
            try expectSameBytes(dir.read("out.csv.gz"), dir.read("ref.csv.gz"), "killed after \(after) chunks")
            try FileManager.default.removeItem(at: dir.url.appendingPathComponent("out.csv.gz"))
        }
    }

    /// Plain output's default chunk size depends on the workers (8 MiB among the chunks in
    /// flight where that is less than 256 KiB): a run killed at 64 workers (chunks of 1,280 of
    /// these rows) and resumed at 2 (2,816), or the other way, goes on with the killed run's cut,
    /// then its own, and the bytes are the same as a run that was never killed.
    @Test func aPlainOutputResumesAtAnotherWorkerCount() throws {
        let dir = try WorkDir()
        let folder = CLI.fixture("golden/relu-softmax")
        try writeRepeatedFixtureInput(dir, from: folder, times: 20)
        try dir.write("p.yaml", pipelineYAML(input: "in.csv", model: folder.appendingPathComponent("model.json").path,
                                             features: (0..<8).map { "x\($0)" }, output: "out.csv",
                                             execution: "execution:\n  journal_interval: 0"))
        for workers in [2, 64] {
            let plan = try dir.nnpipe("validate", "p.yaml", "--workers", "\(workers)")
            #expect(plan.stdoutText.contains("about \(workers == 2 ? 256 << 10 : 128 << 10) bytes per chunk"), "\(plan.stdoutText)")
        }
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--workers", "2"])
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(reference.stderr.contains("40000 rows read, 40000 written"), "\(reference.stderr)")
        for (killed, resumed, after) in [(64, 2, 5), (2, 64, 2)] {
            try Self.runKilled(after: after, dir, ["run", "p.yaml", "--workers", "\(killed)"])
            // The killed run's own cut, kept for the chunk after its last entry.
            let cut = killed == 64 ? "cut=1280:\(2 << 20)" : "cut=2816:\(2 << 20)"
            let journal = try dir.text(".out.csv.nnpipe-journal")
            #expect(journal.contains(cut), "\(journal)")
            let run = try dir.bounded(["run", "p.yaml", "--resume", "--workers", "\(resumed)"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("by the run resumed"), "\(run.stderr)")
            try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"), "killed at \(killed) workers, resumed at \(resumed)")
            try FileManager.default.removeItem(at: dir.url.appendingPathComponent("out.csv"))
        }
    }

    /// A journal whose header cannot be read, damaged or of an earlier format (format 1's entries
    /// carry no chunk cut, so its chunks, and a gzip output's members, could be cut elsewhere), is
    /// not resumed from: the run starts over and says why. (ResumeJournalTests reads a format-1
    /// journal with a valid checksum; here the header's text is changed under its checksum.)
    @Test func aJournalWhoseHeaderCannotBeReadIsNotResumedFrom() throws {
        let dir = try Self.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        try Self.runKilled(after: 30, dir, ["run", "p.yaml"])
        let journal = ".out.csv.nnpipe-journal"
        var text = try dir.text(journal)
        #expect(text.hasPrefix("nnpipe-journal 2 ~"))
        text = "nnpipe-journal 1 ~" + text.dropFirst("nnpipe-journal 2 ~".count)
        try dir.write(journal, text)
        let resumed = try dir.bounded(["run", "p.yaml", "--resume", "--stats-json", "stats.json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("nothing to resume (the killed run's journal is incomplete or from another version of nnpipe)"),
                "\(resumed.stderr)")
        #expect(try !dir.text("stats.json").contains(#""rows_resumed": 1"#))
        try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"))
        try expectSameBytes(dir.read("rej.csv"), dir.read("ref-rej.csv"))
    }

    @Test func aTornLastEntryFallsBackToTheOneBefore() throws {
        let dir = try Self.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        for cut in [1, 20] {
            try Self.runKilled(after: 30, dir, ["run", "p.yaml"])
            // The last entry cut short, as by a kill while it was being written.
            let journal = dir.path(".out.csv.nnpipe-journal")
            #expect(truncate(journal, off_t(try dir.read(".out.csv.nnpipe-journal").count - cut)) == 0)
            let resumed = try dir.bounded(["run", "p.yaml", "--resume", "--stats-json", "stats.json"])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let stats = try dir.text("stats.json")
            #expect(stats.contains(#""rows_resumed": 14500,"#), "\(stats)")
            try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"))
            try expectSameBytes(dir.read("rej.csv"), dir.read("ref-rej.csv"))
        }
    }

    @Test(arguments: ["model", "input", "setting"])
    func aChangedRunIsRefused(_ change: String) throws {
        let dir = try Self.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        try Self.runKilled(after: 40, dir, ["run", "p.yaml"])
        let model = try dir.read("m.json")
        let input = try dir.read("big.csv")
        var extra: [String] = []
        let expected: String
        switch change {
        case "model":
            try dir.write("m.json", String(decoding: model, as: UTF8.self).replacingOccurrences(of: #""bias": [0, 0]"#, with: #""bias": [0, 1]"#))
            #expect(try dir.read("m.json") != model)
            expected = "out.csv: cannot resume: the model file m.json changed since the run that was killed"
        case "input":
            try dir.write("big.csv", input + Data("60001,1,2\n".utf8))
            expected = "out.csv: cannot resume: input big.csv changed (its size, modification time or first MiB)"
        default:
            extra = ["--set", "execution.chunk_rows=400"]
            expected = "out.csv: cannot resume: the setting execution.chunk_rows changed"
        }
        let refused = try dir.bounded(["run", "p.yaml", "--resume"] + extra)
        #expect(refused.status == 78)
        #expect(refused.stderr.contains(expected), "\(refused.stderr)")
        // Nothing was touched: once the change is undone, the run resumes.
        try dir.write("m.json", model)
        if change == "input" {
            // Its size is back, its modification time is not: still refused.
            try dir.write("big.csv", input)
            #expect(try dir.bounded(["run", "p.yaml", "--resume"]).status == 78)
            return
        }
        let resumed = try dir.bounded(["run", "p.yaml", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"))
    }

    @Test("a resume on another matrix kernel (NNPIPE_BLAS=none after OpenBLAS) is refused: the bytes would mix",
          .enabled(if: dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL) != nil))
    func anotherMatrixKernelIsRefused() throws {
        let dir = try Self.makeFolder()
        // A 2-128-1 network: its 2 x 128 and 128 x 1 layers are wide enough for OpenBLAS.
        let first = (0..<2).map { i in "[" + (0..<128).map { j in "\(Double((i * 128 + j) % 7 - 3) / 8)" }.joined(separator: ", ") + "]" }
        let second = (0..<128).map { j in "[\(Double(j % 5 - 2) / 16)]" }
        try dir.write("m.json", """
            {"layers": [{"weights": [\(first.joined(separator: ", "))], "bias": \(Array(repeating: 0.5, count: 128)), "activation": "relu"},
                        {"weights": [\(second.joined(separator: ", "))], "bias": [0.25], "activation": "identity"}]}
            """)
        try Self.runKilled(after: 30, dir, ["run", "p.yaml"])
        let refused = try dir.bounded(["run", "p.yaml", "--resume"], environment: ["NNPIPE_BLAS": "none"])
        #expect(refused.status == 78, "\(refused.stderr)")
        #expect(refused.stderr.contains("out.csv: cannot resume: the matrix kernel changed"), "\(refused.stderr)")
        let resumed = try dir.bounded(["run", "p.yaml", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resum"), "\(resumed.stderr)")
    }

    @Test func resumeWithNothingToResumeStartsFromTheBeginning() throws {
        let dir = try Self.makeFolder()
        let result = try dir.bounded(["run", "p.yaml", "--resume"])
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("nnpipe: out.csv: nothing to resume (no journal of a killed run): starting from the beginning\n"),
                "\(result.stderr)")
        #expect(try Self.leftovers(dir) == [])
    }

    @Test func withoutResumeAKilledRunsLeftoversAreReportedAndRemoved() throws {
        let dir = try Self.makeFolder()
        try Self.runKilled(after: 10, dir, ["run", "p.yaml"])
        // The temporary output and rejects file, the journal, and the output's lock file.
        #expect(try Self.leftovers(dir).count == 4)
        #expect(dir.exists(".out.csv.nnpipe-lock"))
        let fresh = try dir.bounded(["run", "p.yaml"])
        #expect(fresh.status == 0)
        #expect(fresh.stderr.contains("nnpipe: out.csv: removed the unfinished output of an earlier run that was killed (process "),
                "\(fresh.stderr)")
        #expect(try Self.leftovers(dir) == [])
    }

    @Test func severalInputsIntoOneOutputResumeInsideTheRightFile() throws {
        let dir = try Self.makeFolder()
        try Shell.run("head -n 25001 big.csv > a.csv && (head -n 1 big.csv; sed -n 25002,50001p big.csv) | gzip > b.csv.gz && "
            + "(head -n 1 big.csv; sed -n 50002,60001p big.csv) > c.csv", in: dir.url)
        let inputs = ["a.csv", "b.csv.gz", "c.csv"]
        let reference = try dir.bounded(["run", "p.yaml"] + inputs + ["-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        // Inside a.csv, at its end, inside b.csv.gz, inside c.csv.
        for after in [20, 50, 51, 104] {
            try Self.runKilled(after: after, dir, ["run", "p.yaml"] + inputs)
            let resumed = try dir.bounded(["run", "p.yaml"] + inputs + ["--resume"])
            #expect(resumed.status == 0, "after chunk \(after): \(resumed.stderr)")
            try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"), "after chunk \(after)")
            try expectSameBytes(dir.read("rej.csv"), dir.read("ref-rej.csv"), "after chunk \(after)")
        }
    }

    @Test func headerlessInputsResumeInsideTheRightFile() throws {
        let dir = try Self.makeFolder()
        // Without headers, each input's first record is read when it is opened.
        try Shell.run("sed -n 2,25001p big.csv > a.csv && sed -n 25002,50001p big.csv | gzip > b.csv.gz && "
            + "sed -n 50002,60001p big.csv > c.csv", in: dir.url)
        let arguments = ["run", "p.yaml", "a.csv", "b.csv.gz", "c.csv", "--set", "read.header=false",
                         "--set", "read.features=[1, 2]", "--set", "read.carry=[0]"]
        let reference = try dir.bounded(arguments + ["-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0, "\(reference.stderr)")
        for after in [1, 50, 51, 52, 110] {
            try Self.runKilled(after: after, dir, arguments)
            let resumed = try dir.bounded(arguments + ["--resume"])
            #expect(resumed.status == 0, "after chunk \(after): \(resumed.stderr)")
            try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"), "after chunk \(after)")
            try expectSameBytes(dir.read("rej.csv"), dir.read("ref-rej.csv"), "after chunk \(after)")
        }
    }

    @Test func aTemplateRunResumesAtTheFirstOutputNotCommitted() throws {
        let dir = try Self.makeFolder()
        try Shell.run("mkdir in ref out && head -n 25001 big.csv > in/a.csv && (head -n 1 big.csv; sed -n 25002,50001p big.csv) | gzip > in/b.csv.gz && "
            + "(head -n 1 big.csv; sed -n 50002,60001p big.csv) > in/c.csv", in: dir.url)
        let inputs = ["in/a.csv", "in/b.csv.gz", "in/c.csv"]
        let reference = try dir.bounded(["run", "p.yaml"] + inputs + ["-o", "ref/{stem}.csv", "--rejects", "ref/{stem}-rej.csv"])
        #expect(reference.status == 0)
        let arguments = ["run", "p.yaml"] + inputs + ["-o", "out/{stem}.csv", "--rejects", "out/{stem}-rej.csv"]
        // Inside a.csv's output, after its last chunk, after b.csv's last (a.csv's 50 chunks, then b.csv's 50).
        for after in [30, 50, 100] {
            try? FileManager.default.removeItem(at: dir.url.appendingPathComponent("out"))
            let run = try dir.killWhen(after <= 50 ? "out/.a.csv.nnpipe-journal" : "out/.b.csv.nnpipe-journal",
                                       reaches: after <= 50 ? after : after - 50, arguments)
            // Killed after a chunk's entry, or (the last chunk of an output) after its commit.
            #expect(run.killed && (run.exact || after % 50 == 0), "after chunk \(after): \(run.description)")
            let resumed = try dir.bounded(arguments + ["--resume", "--stats-json", "stats.json"])
            #expect(resumed.status == 0, "after chunk \(after): \(resumed.stderr)")
            // A rejects file exists only for an input with a rejected row: the same ones as in ref/.
            for name in ["a.csv", "a-rej.csv", "b.csv", "b-rej.csv", "c.csv", "c-rej.csv"] {
                expectSameBytes(try? dir.read("out/" + name), try? dir.read("ref/" + name), "after chunk \(after): \(name)")
            }
            #expect(dir.exists("ref/a-rej.csv") && dir.exists("ref/c.csv"))
            let hidden = try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).filter { $0.hasPrefix(".") }
            #expect(hidden == [], "after chunk \(after) (\(run.description)): \(resumed.stderr)")
            #expect(try dir.text("stats.json").contains(#""rows_read": 60000,"#))
        }
    }
}
