import Foundation
import Glibc
import Testing

/// Issue 10: the figures say what is on disk. Written rows are in a kept output or were sent to a
/// stream, a failed run stops at the failing row whatever the chunk size, and the rejects of the
/// outputs kept stay with them.
@Suite("Figures and files after a failed run")
struct RunFiguresTests {
    /// Parses `--stats-json`'s file.
    func stats(_ dir: WorkDir, _ name: String = "s.json") throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: dir.read(name)) as? [String: Any])
    }

    /// Data lines (after the header) of a CSV text.
    func dataLines(_ text: String) -> [Substring] { Array(text.split(separator: "\n").dropFirst()) }

    @Test("a failed run with a file output writes nothing and says so: 0 written, the rows discarded, the file removed")
    func failedFileOutput() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\n" + (1...100).map { "r\($0),\($0),1" }.joined(separator: "\n") + "\nbad,x,1\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        let result = try dir.nnpipe("run", "p.yaml", "--stats-json", "s.json", "--hadoop-counters")
        #expect(result.status == 65)
        #expect(!dir.exists("out.csv"))
        let s = try stats(dir)
        #expect(s["rows_read"] as? Int == 101)
        #expect(s["rows_written"] as? Int == 0)
        #expect(s["rows_discarded"] as? Int == 100)
        #expect(s["outputs_removed"] as? [String] == ["out.csv"])
        #expect(s["outputs_kept"] as? [String] == [])
        #expect(result.stderr.contains("stopped: 101 rows read, 0 written, 0 skipped, 0 rejected, 100 discarded"), "\(result.stderr)")
        #expect(result.stderr.contains("out.csv removed (100 rows discarded)"), "\(result.stderr)")
        #expect(result.stderr.contains("reporter:counter:nnpipe,ROWS_WRITTEN,0"))
        #expect(result.stderr.contains("reporter:counter:nnpipe,ROWS_DISCARDED,100"))
    }

    @Test("--output - with a bad row at line 20000: exactly the 19998 rows before it, and the figures say so",
          arguments: [1000, 8192, 7, 50_000])
    func streamStopsAtTheBadRow(chunkRows: Int) throws {
        let dir = try WorkDir()
        try Shell.run(#"awk 'BEGIN { print "id,x1,x2"; for (i = 2; i <= 30000; i++) print i "," (i == 20000 ? "oops" : i % 7) ",1" }' > in.csv"#, in: dir.url)
        try dir.writeSumPipeline(input: "in.csv", output: "-")
        let result = try dir.nnpipe("run", "p.yaml", "--chunk-rows", "\(chunkRows)", "--stats-json", "s.json")
        #expect(result.status == 65)
        let lines = dataLines(result.stdoutText)
        #expect(lines.count == 19998)
        #expect(lines.last?.hasPrefix("19999,") == true)
        let s = try stats(dir)
        #expect(s["rows_read"] as? Int == 19999)
        #expect(s["rows_written"] as? Int == 19998)
        #expect(result.stderr.contains("19998 rows sent to the output stream before the stop"), "\(result.stderr)")
    }

    @Test("max_errors stops at the first bad row past the limit: same output, rejects and figures for every chunk size and worker count")
    func maxErrorsIsExact() throws {
        let dir = try WorkDir()
        try Shell.run(#"awk 'BEGIN { print "id,x1,x2"; for (i = 2; i <= 5000; i++) print i "," (i % 701 == 0 ? "bad" : i % 5) ",1" }' > in.csv"#, in: dir.url)
        try dir.writeSumPipeline(input: "in.csv", output: "-")
        try dir.write("p.yaml", try dir.text("p.yaml") + "\nerrors: {policy: reject, rejects: rej.csv.gz, max_errors: 3}\n")
        var seen: (Data, Data, String)?
        for (chunkRows, workers) in [(1, 1), (7, 2), (700, 2), (8192, 1), (3000, 2)] {
            let result = try dir.nnpipe("run", "p.yaml", "--chunk-rows", "\(chunkRows)", "--workers", "\(workers)", "--stats-json", "s.json")
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.contains("line 2804"), "\(result.stderr)")  // the 4th bad row: 701·4 = 2804
            let rejects = try Shell.run("zcat rej.csv.gz", in: dir.url)
            let s = try stats(dir)
            let figures = "\(s["rows_read"] ?? "") \(s["rows_written"] ?? "") \(s["rows_rejected"] ?? "")"
            #expect(figures == "2803 2799 3")
            #expect(dataLines(String(decoding: rejects, as: UTF8.self)).count == 3)
            #expect(dataLines(result.stdoutText).count == 2799)
            if let seen { #expect(seen == (result.stdout, rejects, figures), "chunk rows \(chunkRows), workers \(workers)") }
            seen = (result.stdout, rejects, figures)
        }
    }

    /// Three inputs, one output each; the third fails past max_errors.
    func templateDir(rejects: String) throws -> WorkDir {
        let dir = try WorkDir()
        try dir.write("in/a.csv", "id,x1,x2\na1,1,2\na2,x,4\na3,5,6\n")
        try dir.write("in/b.csv", "id,x1,x2\nb1,1,2\nb2,3,y\n")
        try dir.write("in/c.csv", "id,x1,x2\nc1,1,2\nc2,oops,4\nc3,5,6\n")
        try dir.writeSumPipeline(input: "in/*.csv", output: "out/{stem}.scored.csv")
        try dir.write("p.yaml", try dir.text("p.yaml") + "\nerrors: {policy: reject, rejects: \"\(rejects)\", max_errors: 2}\n")
        return dir
    }

    @Test("one output per input: a later input's failure keeps the earlier outputs and their rejected rows (shared rejects file)")
    func templateSharedRejects() throws {
        let dir = try templateDir(rejects: "rej.csv")
        let result = try dir.nnpipe("run", "p.yaml", "--stats-json", "s.json")
        #expect(result.status == 65, "\(result.stderr)")
        #expect(try dir.listing() == ["in", "m.json", "out", "p.yaml", "rej.csv", "s.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted() == ["a.scored.csv", "b.scored.csv"])
        #expect(try dir.text("out/a.scored.csv") == "id,y0,y1\na1,5.0,1.0\na3,17.0,5.0\n")
        #expect(try dir.text("out/b.scored.csv") == "id,y0,y1\nb1,5.0,1.0\n")
        let rejects = try dir.text("rej.csv")
        #expect(dataLines(rejects).count == 2)
        #expect(rejects.contains("in/a.csv,3,") && rejects.contains("in/b.csv,3,") && !rejects.contains("in/c.csv"), "\(rejects)")
        let s = try stats(dir)
        #expect(s["rows_written"] as? Int == 3)     // the rows in a.scored.csv and b.scored.csv
        #expect(s["rows_rejected"] as? Int == 2)    // the rows in rej.csv
        #expect(s["rows_discarded"] as? Int == 1)   // c1, in the removed c.scored.csv
        #expect(s["rows_read"] as? Int == 7)
        #expect(s["outputs_kept"] as? [String] == ["out/a.scored.csv", "out/b.scored.csv", "rej.csv"])
        #expect(s["outputs_removed"] as? [String] == ["out/c.scored.csv"])
        #expect(result.stderr.contains("out/a.scored.csv, out/b.scored.csv and rej.csv kept; out/c.scored.csv removed (1 row discarded)"),
                "\(result.stderr)")
    }

    @Test("errors.rejects takes {stem}: each input's rejects file is kept or removed with its output")
    func templateOwnRejects() throws {
        let dir = try templateDir(rejects: "rej/{stem}.rejects.csv")
        let result = try dir.nnpipe("run", "p.yaml", "--stats-json", "s.json")
        #expect(result.status == 65, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("rej")).sorted() == ["a.rejects.csv", "b.rejects.csv"])
        #expect(try dir.text("rej/a.rejects.csv") == "line,reason,record\n3,\"field 2 (\"\"x1\"\"): \"\"x\"\" is not a number\",\"a2,x,4\"\n")
        let s = try stats(dir)
        #expect(s["outputs_kept"] as? [String] == ["out/a.scored.csv", "rej/a.rejects.csv", "out/b.scored.csv", "rej/b.rejects.csv"])
        #expect(s["outputs_removed"] as? [String] == ["out/c.scored.csv", "rej/c.rejects.csv"])
        #expect(s["rows_rejected"] as? Int == 2)

        // Without a write.path template, a rejects template is a pipeline mistake.
        try dir.write("p.yaml", try dir.text("p.yaml").replacingOccurrences(of: "out/{stem}.scored.csv", with: "out/all.csv"))
        let single = try dir.nnpipe("run", "p.yaml")
        #expect(single.status == 78)
        #expect(single.stderr.contains("a rejects name template ({stem}, {name}) needs a write.path template"), "\(single.stderr)")
    }

    @Test("SIGTERM between the outputs of a template run names the outputs kept, and keeps their rejected rows")
    func signalInTemplateRun() throws {
        let dir = try templateDir(rejects: "rej.csv")
        try FileManager.default.removeItem(atPath: dir.path("in/c.csv"))
        #expect(mkfifo(dir.path("in/c.csv"), 0o600) == 0)
        let errURL = dir.url.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", "p.yaml"]
        process.currentDirectoryURL = dir.url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        // The run blocks opening the FIFO once a and b are committed.
        let committed = try poll(seconds: 20) { try !process.isRunning || dir.exists("out/b.scored.csv") }
        #expect(committed)
        usleep(200_000)
        try #require(process.isRunning)
        #expect(kill(process.processIdentifier, SIGTERM) == 0)
        #expect(poll(seconds: 10) { !process.isRunning })
        process.waitUntilExit()
        let stderr = try dir.text("err.txt")
        #expect(process.terminationStatus == 143, "\(stderr)")
        #expect(stderr.contains("terminated; out/a.scored.csv, out/b.scored.csv and rej.csv kept"), "\(stderr)")
        #expect(!stderr.contains("no output written"))
        #expect(dataLines(try dir.text("rej.csv")).count == 2)
        #expect(try dir.text("out/a.scored.csv") == "id,y0,y1\na1,5.0,1.0\na3,17.0,5.0\n")
        #expect(temporaryFiles(try dir.listing() + FileManager.default.contentsOfDirectory(atPath: dir.path("out"))).isEmpty)
    }
}
