import Foundation
import Glibc
import Testing

/// How a run fails part way, after some chunks went to the temporary output.
struct FailureCase: CustomTestStringConvertible, Sendable {
    var name: String
    /// A bash command that writes the input `in.csv` or `in.csv.gz`.
    var makeInput: String
    var inputName = "in.csv"
    var errors = ""
    var words: [String]
    var testDescription: String { name }
}

let midRunFailures: [FailureCase] = [
    FailureCase(name: "bad row after 20,000 good rows",
                makeInput: #"awk 'BEGIN { print "id,x1,x2"; for (i = 1; i <= 20000; i++) print i "," i % 7 "," i % 5; print "z,N/A,1" }' > in.csv"#,
                words: ["line 20002", "\"N/A\" is not a number"]),
    FailureCase(name: "truncated gzip input",
                makeInput: #"awk 'BEGIN { print "id,x1,x2"; for (i = 1; i <= 40000; i++) print i "," i % 7 "," i % 5 }' | gzip -n -c > full.gz && head -c $(( $(wc -c < full.gz) - 30 )) full.gz > in.csv.gz && rm full.gz"#,
                inputName: "in.csv.gz", words: ["truncated"]),
    FailureCase(name: "max_errors exceeded under reject",
                makeInput: #"awk 'BEGIN { print "id,x1,x2"; for (i = 1; i <= 20000; i++) print i "," (i % 5000 == 0 ? "x" : i % 7) "," i % 5 }' > in.csv"#,
                errors: "errors:\n  policy: reject\n  rejects: rej.csv\n  max_errors: 3", words: ["max_errors"]),
]

@Suite("Reliability: atomic outputs, signals, closed pipes, full disks")
struct ReliabilityTests {
    // MARK: Atomic output

    @Test("a run that fails part way leaves an earlier output byte-identical; a good run replaces it",
          arguments: midRunFailures, ["out.csv", "out.csv.gz"])
    func atomicity(_ failure: FailureCase, output: String) throws {
        let dir = try WorkDir()
        try Shell.run("set -e; " + failure.makeInput, in: dir.url)
        try dir.writeSumPipeline(input: failure.inputName, output: output,
                                              execution: "execution:\n  chunk_rows: 1000\n  workers: 2\n" + failure.errors)
        var earlier = Data("earlier output: keep me\n".utf8)
        earlier.append(contentsOf: [0x00, 0xFF, 0x1F, 0x8B, 0x0A])
        try dir.write(output, earlier)
        let earlierRejects = Data("line,reason,record\n1,earlier,rejects\n".utf8)
        if !failure.errors.isEmpty { try dir.write("rej.csv", earlierRejects) }
        let before = try dir.listing()

        let failed = try dir.nnpipe("run", "p.yaml")
        #expect(failed.status == 65, "\(failed.stderr)")
        for words in failure.words { #expect(failed.stderr.contains(words), "missing '\(words)' in: \(failed.stderr)") }
        try expectSameBytes(dir.read(output), earlier, "the earlier \(output) was changed by a failed run")
        if !failure.errors.isEmpty { try expectSameBytes(dir.read("rej.csv"), earlierRejects, "the earlier rejects file was changed") }
        let afterFailure = try dir.listing()
        #expect(afterFailure == before, "a failed run left files behind: \(afterFailure)")

        // The same pipeline over a good input replaces the file.
        try dir.write("good.csv", "id,x1,x2\na,1,2\nb,3,4\n")
        let good = try dir.nnpipe("run", "p.yaml", "--input", "good.csv")
        #expect(good.status == 0, "\(good.stderr)")
        let text = output.hasSuffix(".gz") ? try Shell.run("gzip -dc \(output)", in: dir.url) : try dir.read(output)
        #expect(String(decoding: text, as: UTF8.self) == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
        #expect(temporaryFiles(try dir.listing()).isEmpty)
        // The good run rejected nothing: no rejects file, and the earlier one is gone with it.
        if !failure.errors.isEmpty { #expect(!dir.exists("rej.csv")) }
    }

    // MARK: Signals

    /// A big input, a run started on it, and `signal` sent once the run is writing its temporary file (plus
    /// half a second). If a run ever finishes before the signal, the input grows; the test never passes on a
    /// run that was not interrupted.
    @Test("a signal mid-file before any journal entry exits 128+N, removes the temporary files, keeps the earlier outputs",
          arguments: signalCases, ["out.csv", "out.csv.gz", "out.csv and rejects"])
    func signalMidFile(_ s: SignalCase, target: String) throws {
        let dir = try WorkDir()
        let output = target.hasSuffix(".gz") ? "out.csv.gz" : "out.csv"
        let rejecting = target.hasSuffix("rejects")
        try dir.writeSumPipeline(input: "big.csv", output: output,
                                              execution: rejecting ? "errors:\n  policy: reject\n  rejects: rej.csv" : "")
        let earlier = Data("earlier output\n".utf8)
        try dir.write(output, earlier)
        let earlierRejects = Data("line,reason,record\n1,earlier,rejects\n".utf8)
        if rejecting { try dir.write("rej.csv", earlierRejects) }
        let expectedFiles = ["big.csv", "m.json", output, "p.yaml"] + (rejecting ? ["rej.csv"] : [])

        for rows in [2_000_000, 8_000_000] {
            try writeBigInput(dir, rows: rows)
            let errURL = dir.url.appendingPathComponent("err.txt")
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            let process = Process()
            process.executableURL = CLI.binary
            // No journal entry before the signal (the first comes an hour in): nothing a later
            // --resume could go on from, so the signal cleans up (ResumeAfterSignalTests: with one).
            process.arguments = ["run", "p.yaml", "--stats-json", "stats.json", "--set", "execution.journal_interval=3600"]
            process.currentDirectoryURL = dir.url
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: errURL)
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

            let writing = try poll(seconds: 30) { try !process.isRunning || !temporaryFiles(dir.listing()).isEmpty }
            #expect(writing, "no temporary output appeared within 30 s")
            usleep(500_000)
            guard process.isRunning else {
                process.waitUntilExit()
                print("\(s.name): the run over \(rows) rows finished before the signal; trying a bigger input")
                try dir.write(output, earlier)
                if rejecting { try dir.write("rej.csv", earlierRejects) }
                try? FileManager.default.removeItem(at: dir.url.appendingPathComponent("stats.json"))
                continue
            }
            #expect(kill(process.processIdentifier, s.signal) == 0)
            process.waitUntilExit()
            let stderr = String(decoding: try dir.read("err.txt"), as: UTF8.self)
            try FileManager.default.removeItem(at: errURL)

            #expect(process.terminationReason == .exit, "nnpipe died of the signal instead of exiting \(s.status)")
            #expect(process.terminationStatus == s.status, "status \(process.terminationStatus); stderr: \(stderr)")
            #expect(!stderr.contains("nnpipe: done:"), "the run finished: \(stderr)")
            #expect(stderr.contains(s.word), "stderr: \(stderr)")
            #expect(errorLines(stderr).count == 1, "one line on stderr: \(stderr)")
            try expectSameBytes(dir.read(output), earlier, "the earlier output was changed")
            if rejecting { try expectSameBytes(dir.read("rej.csv"), earlierRejects, "the earlier rejects file was changed") }
            let after = try dir.listing()
            #expect(after.filter { $0 != "stats.json" } == expectedFiles.sorted(),
                    "files after the signal: \(after)")
            return
        }
        Issue.record("every run finished before the signal; nothing was interrupted")
    }

    /// nnpipe waits on standard input (a pipe kept open), its temporary file already created: the signal must
    /// still end it at once, with the same status and clean-up.
    @Test("a signal while waiting on standard input", arguments: signalCases + otherSignalCases)
    func signalWhileReadingStdin(_ s: SignalCase) throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "-", output: "out.csv")
        let earlier = Data("earlier output\n".utf8)
        try dir.write("out.csv", earlier)
        let input = Pipe()
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", "p.yaml"]
        process.currentDirectoryURL = dir.url
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        input.fileHandleForWriting.write(Data("id,x1,x2\na,1,2\nb,3,4\n".utf8))

        let writing = try poll(seconds: 20) { try !process.isRunning || !temporaryFiles(dir.listing()).isEmpty }
        #expect(writing, "no temporary output appeared within 20 s")
        usleep(300_000)
        try #require(process.isRunning, "nnpipe ended before the end of its input")
        #expect(kill(process.processIdentifier, s.signal) == 0)
        let ended = poll(seconds: 10) { !process.isRunning }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        #expect(ended, "nnpipe did not end within 10 s of \(s.name) while blocked reading standard input")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == s.status, "status \(process.terminationStatus); stderr: \(stderr)")
        #expect(stderr.contains(s.word), "stderr: \(stderr)")
        try expectSameBytes(dir.read("out.csv"), earlier)
        #expect(try dir.listing() == ["m.json", "out.csv", "p.yaml"])
    }

    // MARK: Standard output closed or full

    @Test("`| head` and other early-closing readers: a quiet stop with status 141",
          arguments: [("head -3", "3 lines"), ("head -c 5", "id,y0"), ("true", "")])
    func closedPipe(reader: String, expected: String) throws {
        let dir = try WorkDir()
        try writeBigInput(dir, rows: 300_000)
        try dir.writeSumPipeline(input: "big.csv", output: "-")
        let before = try dir.listing()
        let stdout = try Shell.run("\(shellQuoted(CLI.binary.path)) run p.yaml --output - 2>err.txt | \(reader); echo \"${PIPESTATUS[0]}\" > status.txt",
                                   in: dir.url)
        let text = String(decoding: stdout, as: UTF8.self)
        if expected == "3 lines" {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 4 && lines[3].isEmpty, "exactly 3 lines expected, got: \(text.prefix(300))")
            #expect(lines.first == "id,y0,y1")
            #expect(lines.dropFirst().first == "1,0.625,0.125")
        } else {
            #expect(text == expected)
        }
        let stderr = try dir.text("err.txt")
        #expect(stderr == "", "nnpipe wrote to stderr: \(stderr)")
        #expect(try dir.text("status.txt") == "141\n")
        #expect(Set(try dir.listing()).subtracting(before) == ["err.txt", "status.txt"])
    }

    @Test("standard output on a full disk (/dev/full): status 74 and one clear line",
          arguments: [2, 100_000], [false, true])
    func fullStdout(rows: Int, quiet: Bool) throws {
        let dir = try WorkDir()
        try writeBigInput(dir, rows: rows)
        try dir.writeSumPipeline(input: "big.csv", output: "out.csv")
        try Shell.run("\(shellQuoted(CLI.binary.path)) run p.yaml --output - \(quiet ? "--quiet" : "") > /dev/full 2>err.txt; echo $? > status.txt",
                      in: dir.url)
        let stderr = try dir.text("err.txt")
        #expect(try dir.text("status.txt") == "74\n", "stderr: \(stderr)")
        let lines = errorLines(stderr)
        #expect(lines.count == 1, "one error line expected: \(stderr)")
        #expect(lines.first?.hasPrefix("nnpipe: ") == true)
        #expect(lines.first?.contains("No space left on device") == true, "\(stderr)")
        #expect(!stderr.contains("nnpipe: done:"), "a failed run must not say done: \(stderr)")
        if quiet { #expect(stderr.split(separator: "\n").count == 1, "--quiet: only the error line: \(stderr)") }
        #expect(!dir.exists("out.csv"))
    }

    @Test("a file output on a full filesystem: status 74, no temporary file, earlier output intact",
          .enabled(if: TmpFS.canMount, "needs to mount a 1 MiB tmpfs (root with CAP_SYS_ADMIN); mount failed"),
          arguments: ["out.csv", "out.csv.gz"])
    func fullFilesystem(output: String) throws {
        let dir = try WorkDir()
        try writeBigInput(dir, rows: 400_000)
        try dir.write("m.json", sumModel)
        let small = dir.url.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        try #require(TmpFS.mount(small.path, size: "1m"), "mount -t tmpfs failed")
        defer { TmpFS.unmount(small.path) }
        try dir.write("p.yaml", pipelineYAML(input: "big.csv", model: "m.json", features: ["x1", "x2"], output: "small/\(output)",
                                              extraWrite: "      gzip_level: 1"))
        let earlier = Data("earlier output\n".utf8)
        try dir.write("small/\(output)", earlier)

        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 74, "\(result.stderr)")
        let lines = errorLines(result.stderr)
        #expect(lines.count == 1, "one error line expected: \(result.stderr)")
        #expect(lines.first?.contains("small/\(output)") == true, "\(result.stderr)")
        #expect(lines.first?.contains("No space left on device") == true, "\(result.stderr)")
        try expectSameBytes(dir.read("small/\(output)"), earlier, "the earlier output was changed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: small.path) == [output], "temporary file left on the full disk")
    }

    /// As root, the folder of a device (/dev) is writable: a temporary file beside `/dev/null` renamed over it
    /// would turn the device into a regular file for every program on the machine. Device nodes made in the
    /// test's own folder stand in for /dev/null and /dev/full.
    @Test("an output path that names a device is written to, never replaced by a regular file",
          .enabled(if: DeviceNodes.canMake, "needs mknod (root) in the temporary folder"),
          arguments: [("null", 3, Int32(0)), ("full", 7, Int32(74))])
    func deviceOutput(name: String, minor: Int, status: Int32) throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: name)
        try Shell.run("mknod -m 666 \(name) c 1 \(minor)", in: dir.url)
        try #require(DeviceNodes.isCharacterDevice(dir.path(name)), "mknod made no device")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(DeviceNodes.isCharacterDevice(dir.path(name)), "nnpipe replaced the device \(name) with a regular file")
        #expect(result.status == status, "\(result.stderr)")
        if status == 74 { #expect(result.stderr.contains("No space left on device"), "\(result.stderr)") }
        #expect(temporaryFiles(try dir.listing()).isEmpty)
    }

    // MARK: Statistics

    @Test("--stats-json on success: every figure, consistent with the summary line")
    func statsJSON() throws {
        let dir = try WorkDir()
        var text = "id,x1,x2\n"
        for row in 1...5000 { text += row % 1000 == 0 ? "r\(row),N/A,1\n" : "r\(row),\(row % 7),\(row % 5)\n" }
        try dir.write("in.csv", text)
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv",
                                              execution: "execution:\n  chunk_rows: 700\nerrors:\n  policy: skip")
        for (policy, skipped, rejected) in [("skip", 5, 0), ("reject", 0, 5)] {
            var arguments = ["run", "p.yaml", "--on-error", policy, "--stats-json", "stats.json"]
            if policy == "reject" {
                try dir.write("p.yaml", pipelineYAML(input: "in.csv", model: "m.json", features: ["x1", "x2"], output: "out.csv",
                                                      execution: "execution:\n  chunk_rows: 700\nerrors:\n  policy: skip\n  rejects: rej.csv"))
                arguments.append("--quiet")
            }
            let result = try CLI.run(arguments, in: dir.url)
            #expect(result.status == 0, "\(result.stderr)")
            let stats = try #require(try readStats(dir), "no stats.json")
            for key in ["succeeded", "rows_read", "rows_written", "rows_skipped", "rows_rejected", "seconds",
                        "rows_per_second", "peak_rss_bytes"] {
                #expect(stats[key] != nil, "\(policy): stats.json lacks \(key): \(stats)")
            }
            #expect(stats["succeeded"] as? Bool == true)
            #expect(counts(stats) == RowCounts(read: 5000, written: 4995, skipped: skipped, rejected: rejected), "\(stats)")
            let seconds = try #require(stats["seconds"] as? Double)
            #expect(seconds > 0 && seconds < 120)
            let rate = try #require(stats["rows_per_second"] as? Double)
            #expect(abs(rate - 5000 / seconds) <= 0.01 * rate + 1, "rows_per_second \(rate) vs 5000 / \(seconds)")
            let peak = try #require(stats["peak_rss_bytes"] as? Int)
            #expect(peak > 1_000_000 && peak < 1_000_000_000)
            if policy == "skip" {
                #expect(result.stderr.contains("nnpipe: done: 5000 rows read, 4995 written, 5 skipped, 0 rejected"), "\(result.stderr)")
            } else {
                // --quiet: no summary, but the rejected rows are worth a line (a cron mail).
                #expect(result.stderr == "nnpipe: warning: 5 rows rejected (written to rej.csv) of 5000 read\n", "--quiet: \(result.stderr)")
                #expect(try dir.text("rej.csv").split(separator: "\n").count == 6)
            }
            #expect(try dir.text("out.csv").split(separator: "\n").count == 4996)
        }
    }

    @Test("--stats-json with standard output: the data on stdout, the figures in the file")
    func statsJSONWithStdout() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,3,4\n")
        try dir.writeSumPipeline(input: "in.csv", output: "-")
        let result = try dir.nnpipe("run", "p.yaml", "--stats-json", "stats.json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
        let stats = try #require(try readStats(dir))
        #expect(stats["succeeded"] as? Bool == true)
        #expect(counts(stats) == RowCounts(read: 2, written: 2))
    }
}
