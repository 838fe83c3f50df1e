import Foundation
import Testing

@Suite("Progress line on a terminal; log levels and JSON logs")
struct ProgressAndLogTests {
    /// Runs `nnpipe ARGS` with standard error (and output) on a pseudo-terminal, through
    /// util-linux's `script`; returns what the terminal received.
    func onTerminal(_ dir: WorkDir, _ arguments: String) throws -> String {
        let command = "'\(CLI.binary.path)' \(arguments)"
        return String(decoding: try Shell.run("script -qfec \"\(command)\" /dev/null", in: dir.url), as: UTF8.self)
    }

    /// The sum pipeline over `rows` rows.
    func sumPipeline(_ dir: WorkDir, rows: Int = 3) throws {
        try dir.write("in.csv", "id,x1,x2\n" + (1...rows).map { "r\($0),\($0),1\n" }.joined())
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
    }

    @Test("on a terminal: a progress line of the gzip input's compressed bytes, cleared before the summary",
          .enabled(if: hasScript))
    func progressOnTerminal() throws {
        let dir = try WorkDir()
        let seed = CLI.repoRoot.appendingPathComponent("pipelines/seed.yaml").path
        let gzipSize = try #require(try FileManager.default.attributesOfItem(
            atPath: CLI.repoRoot.appendingPathComponent("sample-data/seed-samples.csv.gz").path)[.size] as? Int)
        let screen = try onTerminal(dir, "run '\(seed)' --output out.csv")
        #expect(screen.contains(Self.clearLine + "nnpipe: 0 B of \(String(format: "%.1f", Double(gzipSize) / 1024)) KiB (0%), 0 rows"),
                "\(screen.debugDescription)")
        // The last thing before the summary clears the progress line.
        #expect(screen.contains(Self.clearLine + "nnpipe: done: 1000 rows read"), "\(screen.debugDescription)")
        #expect(try dir.text("out.csv").hasPrefix("id,y0,y1\n1,\(SeedGolden.firstRow())\n"))
    }

    @Test("a resumed run's progress says how many of its rows were resumed (its rate and time left count only the rows it reads)")
    func resumedProgress() throws {
        let dir = try ResumeTests.makeFolder()
        // Ten times the rows, so that the resumed run reads long enough for several records.
        try Shell.run(#"awk 'BEGIN { print "id,x1,x2"; for (i = 1; i <= 600000; i++) print i "," (i % 97) / 8 "," (i % 89) / 4 }' > big.csv"#, in: dir.url)
        try ResumeTests.runKilled(after: 30, dir, ["run", "p.yaml"])
        let resumed = try dir.bounded(["run", "p.yaml", "--resume", "--progress", "--progress-interval", "0.05", "--log-format", "json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let records = resumed.stderr.split(separator: "\n").filter { $0.contains("\"message\":\"progress\"") }
        let after = records.filter { $0.contains("\"rows_resumed\"") }
        #expect(!after.isEmpty, "\(resumed.stderr)")
        // Before the skip, nothing is resumed yet; after it, every record says how many rows were.
        #expect(records.drop { !$0.contains("\"rows_resumed\"") }.allSatisfy { $0.contains("\"rows_resumed\"") })
    }

    @Test("--quiet on a terminal: neither progress nor summary", .enabled(if: hasScript))
    func quietOnTerminal() throws {
        let dir = try WorkDir()
        try sumPipeline(dir)
        let screen = try onTerminal(dir, "run p.yaml --quiet")
        #expect(screen.isEmpty, "\(screen.debugDescription)")
        #expect(try dir.text("out.csv") == "id,y0,y1\nr1,3.0,1.0\nr2,4.0,2.0\nr3,5.0,3.0\n")
    }

    @Test("standard error not a terminal: no progress line, unless --progress asks for it")
    func noProgressOnPipe() throws {
        let dir = try WorkDir()
        try sumPipeline(dir)
        let plain = try dir.nnpipe("run", "p.yaml")
        #expect(plain.status == 0)
        #expect(plain.stderr.wholeMatch(of: /nnpipe: done: 3 rows read, 3 written, 0 skipped, 0 rejected in \d+\.\d{3} s \(\d+ rows\/s\)\n/) != nil,
                "\(plain.stderr.debugDescription)")
        #expect(!plain.stderr.contains("\r"))
        // Into a file: plain lines, no escape codes.
        let forced = try dir.nnpipe("run", "p.yaml", "--progress")
        #expect(forced.stderr.hasPrefix("nnpipe: 0 B of 30 B (0%), 0 rows\n"), "\(forced.stderr.debugDescription)")
        #expect(forced.stderr.contains("\nnnpipe: done: 3 rows read"))
        #expect(!forced.stderr.contains("\u{1B}") && !forced.stderr.contains("\r"), "\(forced.stderr.debugDescription)")
    }

    @Test("--progress with --log-format json: progress as JSON records, every line parses")
    func jsonProgress() throws {
        let dir = try WorkDir()
        try writeBigInput(dir, rows: 300_000)
        try dir.writeSumPipeline(input: "big.csv", output: "out.csv")
        let result = try dir.nnpipe("run", "p.yaml", "--progress", "--progress-interval", "0.05", "--log-format", "json", "--workers", "1")
        #expect(result.status == 0, "\(result.stderr)")
        let records = result.stderr.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.allSatisfy { $0 != nil }, "\(result.stderr)")
        let progress = records.compactMap { $0 }.filter { $0["message"] as? String == "progress" }
        #expect(progress.count >= 2, "\(result.stderr)")
        let last = try #require(progress.last?["metadata"] as? [String: Any])
        #expect(last["file"] as? String == "big.csv")
        #expect(last["bytes_total"] as? Int != nil && last["rows_read"] as? Int != nil)
    }

    @Test("on a narrow terminal the line fits its width and names the file", .enabled(if: hasScript))
    func narrowTerminal() throws {
        let dir = try WorkDir()
        let name = "a-rather-long-input-file-name-for-a-narrow-terminal.csv"
        try writeBigInput(dir, name: name, rows: 300_000)
        try dir.writeSumPipeline(input: name, output: "out.csv")
        let command = "stty cols 60; '\(CLI.binary.path)' run p.yaml --progress-interval 0.05 --workers 1"
        let screen = String(decoding: try Shell.run("script -qfec \"\(command)\" /dev/null", in: dir.url), as: UTF8.self)
        let draws = screen.components(separatedBy: Self.clearLine).filter { $0.hasPrefix("nnpipe: ") && !$0.contains("done:") }
        #expect(!draws.isEmpty, "\(screen.debugDescription)")
        for draw in draws { #expect(draw.count <= 59, "\(draw.debugDescription) is wider than 59 columns") }
        // The name's end, after an ellipsis: as much of it as the figures leave room for (their
        // widths change with how far the reader is ahead of the rows written).
        let namesTheFile = draws.contains { draw in
            guard draw.hasPrefix("nnpipe: …"), let end = draw.range(of: ": ", range: draw.index(draw.startIndex, offsetBy: 9)..<draw.endIndex) else {
                return false
            }
            let tail = draw[draw.index(draw.startIndex, offsetBy: 9)..<end.lowerBound]
            return tail.count >= 8 && name.hasSuffix(tail)
        }
        #expect(namesTheFile, "\(draws)")
    }

    @Test("--log-format json: every line on standard error is one JSON record")
    func jsonLogs() throws {
        let dir = try WorkDir()
        try sumPipeline(dir)
        let before = Date()
        let result = try dir.nnpipe("run", "p.yaml", "--log-format", "json", "--log-level", "info", "--hadoop-counters")
        let after = Date()
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        let records = lines.filter { !$0.hasPrefix("reporter:counter:") }
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count == lines.count - 5, "\(result.stderr)")
        #expect(records.allSatisfy { Set($0.keys) == ["timestamp", "level", "message", "metadata"] })
        #expect(records.first?["level"] as? String == "info")
        let summary = try #require(records.last)
        #expect(summary["level"] as? String == "notice")
        #expect((summary["message"] as? String)?.hasPrefix("done: 3 rows read, 3 written") == true)
        let metadata = try #require(summary["metadata"] as? [String: Any])
        #expect(metadata["rows_read"] as? Int == 3)
        #expect(metadata["succeeded"] as? Bool == true)
        for record in records { expectRFC3339(record["timestamp"] as? String, from: before, to: after, "timestamp") }
    }

    @Test("--log-format json: errors are error records with the exit status")
    func jsonErrors() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,oops\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        let result = try dir.nnpipe("run", "p.yaml", "--log-format", "json")
        #expect(result.status == 65)
        let records = result.stderr.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(records.count == 2 && records.allSatisfy { $0 != nil }, "\(result.stderr)")
        let error = try #require(records.first ?? nil)
        #expect(error["level"] as? String == "error")
        #expect(error["message"] as? String == "in.csv: line 2, field 3 (\"x2\"): \"oops\" is not a number")
        #expect((error["metadata"] as? [String: Any])?["exit_status"] as? Int == 65)
        #expect((records.last ?? nil)?["message"] as? String != nil)
    }

    @Test("--log-level: info and debug add lines in text format; warning hides the summary, not errors")
    func levels() throws {
        let dir = try WorkDir()
        try sumPipeline(dir)
        let info = try dir.nnpipe("run", "p.yaml", "--log-level", "info")
        #expect(info.stderr.hasPrefix("nnpipe: info: running p.yaml chunk_rows=8192 input=in.csv on_error=fail output=out.csv"),
                "\(info.stderr)")
        let warning = try dir.nnpipe("run", "p.yaml", "--log-level", "warning")
        #expect(warning.status == 0)
        #expect(warning.stderr.isEmpty)
        let failing = try dir.nnpipe("run", "p.yaml", "--log-level", "warning", "--input", "missing.csv")
        #expect(failing.status == 66)
        #expect(failing.stderr == "nnpipe: missing.csv: no such file\n")
        let bad = try dir.nnpipe("run", "p.yaml", "--log-level", "loud")
        #expect(bad.status == 64)
    }
}
