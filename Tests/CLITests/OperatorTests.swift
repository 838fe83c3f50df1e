import Foundation
import Testing

/// Issue 13: what an operator sees: cron mails only when rows were dropped or the run failed,
/// many files can be followed, and logs parse.
@Suite("The operator's view: cron, many files, structured logs")
struct OperatorTests {
    /// Three inputs under in/, one output each, rejects in rej.csv.
    func threeInputs(thirdHeader: String = "id,x1,x2") throws -> WorkDir {
        let dir = try WorkDir()
        try dir.write("in/a.csv", "id,x1,x2\na1,1,2\na2,3,4\n")
        try dir.write("in/b.csv", "id,x1,x2\nb1,1,2\n")
        try dir.write("in/c.csv", "\(thirdHeader)\nc1,5,6\n")
        try dir.writeSumPipeline(input: "in/*.csv", output: "out/{stem}.csv")
        try dir.write("p.yaml", try dir.text("p.yaml") + "\nerrors: {policy: reject, rejects: rej.csv}\n")
        return dir
    }

    /// Runs `nnpipe ARGS` under `env -i` (as cron does: no HOME, no TERM, a bare PATH), stderr to a file.
    func cron(_ dir: WorkDir, _ arguments: String) throws -> (status: Int, stderr: String) {
        let out = try Shell.run("env -i PATH=/usr/bin:/bin \(shellQuoted(CLI.binary.path)) \(arguments) > /dev/null 2> err.txt; echo $?", in: dir.url)
        let status = Int(String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        return (status, try dir.text("err.txt"))
    }

    @Test("the README's crontab line: silent when clean, one warning line for rejected rows, one error line for a failure")
    func cronMailsOnlyWhenItMatters() throws {
        let dir = try threeInputs()
        let clean = try cron(dir, "run p.yaml --quiet")
        #expect(clean.status == 0)
        #expect(clean.stderr == "", "a clean run must print nothing: \(clean.stderr)")

        try dir.write("in/b.csv", "id,x1,x2\nb1,1,2\nb2,oops,2\n")
        let rejected = try cron(dir, "run p.yaml --quiet")
        #expect(rejected.status == 0)
        #expect(rejected.stderr == "nnpipe: warning: 1 row rejected (written to rej.csv) of 5 read\n")

        try dir.write("in/c.csv", "id,x1,x3\nc1,5,6\n")
        let failed = try cron(dir, "run p.yaml --quiet")
        #expect(failed.status == 65)
        #expect(failed.stderr.split(separator: "\n").count == 1, "\(failed.stderr)")
        #expect(failed.stderr.hasPrefix("nnpipe: in/c.csv:"), "\(failed.stderr)")
    }

    @Test("many files: a line per finished input at info, and per-input figures in --stats-json")
    func perInputFigures() throws {
        let dir = try threeInputs()
        try dir.write("in/b.csv", "id,x1,x2\nb1,1,2\nb2,oops,2\n")
        let result = try dir.nnpipe("run", "p.yaml", "--log-level", "info", "--stats-json", "s.json")
        #expect(result.status == 0, "\(result.stderr)")
        let infoLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("nnpipe: info: in/") }
        #expect(infoLines.count == 3, "\(result.stderr)")
        #expect(infoLines[1].hasPrefix("nnpipe: info: in/b.csv: 2 rows read, 1 written, 0 skipped, 1 rejected in "), "\(infoLines)")
        #expect(infoLines[1].hasSuffix("; output out/b.csv"))
        let stats = try #require(try JSONSerialization.jsonObject(with: dir.read("s.json")) as? [String: Any])
        let inputs = try #require(stats["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["file"] as? String } == ["in/a.csv", "in/b.csv", "in/c.csv"])
        #expect(inputs.map { $0["rows_written"] as? Int } == [2, 1, 1])
        #expect(inputs.map { $0["rows_rejected"] as? Int } == [0, 1, 0])
        #expect(inputs.map { $0["output"] as? String } == ["out/a.csv", "out/b.csv", "out/c.csv"])
        // The per-input figures add up to the totals.
        #expect(inputs.compactMap { $0["rows_read"] as? Int }.reduce(0, +) == stats["rows_read"] as? Int)
    }

    @Test("validate lists the files a pattern matches and checks every header: a changed third header fails before any run")
    func validateEveryHeader() throws {
        let good = try threeInputs()
        let ok = try good.nnpipe("validate", "p.yaml")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdoutText.contains("inputs  3 files, every header checked:"), "\(ok.stdoutText)")
        #expect(ok.stdoutText.contains("in/c.csv → out/c.csv"), "\(ok.stdoutText)")
        #expect(ok.stderr.isEmpty, "the report is on standard output: \(ok.stderr)")

        let changed = try threeInputs(thirdHeader: "id,x1,x3")
        let refused = try changed.nnpipe("validate", "p.yaml")
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("in/c.csv:1: the header differs from the first input's (in/a.csv)"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty, "\(refused.stdoutText)")
    }

    @Test("JSON error lines carry where: file, line, field, column; key path for the pipeline")
    func structuredErrors() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,oops,4\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        let row = try dir.nnpipe("run", "p.yaml", "--log-format", "json")
        let error = try #require(row.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.first { $0["level"] as? String == "error" })
        let metadata = try #require(error["metadata"] as? [String: Any])
        #expect(metadata["file"] as? String == "in.csv")
        #expect(metadata["line"] as? Int == 3)
        #expect(metadata["field"] as? Int == 2)
        #expect(metadata["column"] as? String == "x1")
        #expect(metadata["exit_status"] as? Int == 65)

        try dir.write("p.yaml", try dir.text("p.yaml").replacingOccurrences(of: "features:", with: "featrues:"))
        let config = try dir.nnpipe("run", "p.yaml", "--log-format", "json")
        let line = try #require(config.stderr.split(separator: "\n").first)
        let configError = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let fields = try #require(configError["metadata"] as? [String: Any])
        #expect(fields["key_path"] as? String == "stages[0].read.featrues", "\(line)")
        #expect(fields["file"] as? String == "p.yaml")
        #expect(fields["line"] as? Int != nil)
    }

    @Test("validate of a pipeline reading standard input never waits on a terminal",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func validateOnTerminal() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "-", output: "-")
        let command = "timeout -k 2 20 \(shellQuoted(CLI.binary.path)) validate p.yaml; echo status $?"
        let screen = String(decoding: try Shell.run("script -qfec \(shellQuoted(command)) /dev/null", in: dir.url), as: UTF8.self)
        #expect(screen.contains("status 0"), "\(screen)")
        #expect(screen.contains("standard input is a terminal, so its header is not read"), "\(screen)")
    }

    @Test("--log-timestamps starts each text line with its UTC time")
    func timestamps() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        let result = try dir.nnpipe("run", "p.yaml", "--log-timestamps")
        #expect(result.status == 0)
        let pattern = #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z nnpipe: done: 1 rows read"#
        #expect(result.stderr.range(of: pattern, options: .regularExpression) != nil, "\(result.stderr)")
    }
}
