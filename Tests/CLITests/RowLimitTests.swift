import Foundation
import Testing

/// Nights that look clean but are not: a header-only input is said aloud and `--min-rows` makes
/// it a failure; `errors.max_error_rate` fails an output with too many bad rows; a run that
/// rejects nothing leaves no rejects file (and `--skip-existing` still skips its input).
@Suite("Sanity limits: header-only inputs, --min-rows, max_error_rate, no empty rejects file")
struct RowLimitTests {
    static func oneLiner(_ dir: WorkDir, _ input: String, _ extra: String...) throws -> CLIResult {
        try CLI.run(["run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", input] + extra, in: dir.url)
    }

    static func workDir() throws -> WorkDir {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        return dir
    }

    @Test("a header-only input: exit 0 with a warning even under --quiet, and --min-rows 1, as it advises, fails it with 65")
    func headerOnly() throws {
        let dir = try Self.workDir()
        try dir.write("in.csv", "id,x1,x2\n")
        let quiet = try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--quiet")
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr == "nnpipe: warning: no rows read (a header alone): in.csv → out.csv written without a row; "
                + "--min-rows 1 makes this a failure (status 65)\n")
        #expect(try dir.text("out.csv") == "id,y0,y1\n")

        // The advice, followed: the run fails and yesterday's output stays as it was.
        try dir.write("out.csv", "id,y0,y1\nyesterday,1,2\n")
        let refused = try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--quiet", "--min-rows", "1", "--stats-json", "s.json")
        #expect(refused.status == 65)
        #expect(refused.stderr == "nnpipe: in.csv: 0 rows read, fewer than --min-rows 1 (an empty input, or a header alone); "
                + "the output is not written: check the input (or lower --min-rows)\n")
        #expect(try dir.text("out.csv") == "id,y0,y1\nyesterday,1,2\n")
        let stats = try #require(try JSONSerialization.jsonObject(with: dir.read("s.json")) as? [String: Any])
        #expect(stats["exit_status"] as? Int == 65)
        #expect(try dir.listing() == ["in.csv", "m.json", "out.csv", "s.json"], "a temporary file was left")

        // Enough rows pass; a bad value is a usage error.
        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,3,4\n")
        #expect(try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--min-rows", "2").status == 0)
        #expect(try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--min-rows", "3").status == 65)
        #expect(try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--min-rows", "-1").status == 64)
    }

    @Test("--min-rows counts each output of a name template: with --keep-going the others are written")
    func minRowsPerOutput() throws {
        let dir = try Self.workDir()
        try dir.write("in/day1.csv", "id,x1,x2\na,1,2\n")
        try dir.write("in/day2.csv", "id,x1,x2\n")
        try dir.write("in/day3.csv", "id,x1,x2\nc,3,4\n")
        let result = try Self.oneLiner(dir, "in/*.csv", "-o", "out/{stem}.csv", "--min-rows", "1", "--keep-going", "--quiet")
        #expect(result.status == 65)
        #expect(result.stderr.contains("in/day2.csv: 0 rows read, fewer than --min-rows 1"), "\(result.stderr)")
        #expect(try dir.listing().contains("out"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted() == ["day1.csv", "day3.csv"])
    }

    @Test("errors.max_error_rate: a larger share of bad rows fails the output (65); within it the run succeeds")
    func maxErrorRate() throws {
        let dir = try Self.workDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,x,2\nc,3,4\nd,5,6\n")
        let over = try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--on-error", "skip", "--set", "errors.max_error_rate=0.2")
        #expect(over.status == 65)
        #expect(over.stderr.hasPrefix("nnpipe: in.csv: 1 of 4 rows were bad (25%), more than max_error_rate = 0.2 allows; "
                                      + "the output is not written: check the input (or raise errors.max_error_rate)\n"), "\(over.stderr)")
        #expect(!dir.exists("out.csv"))
        let within = try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--on-error", "skip", "--set", "errors.max_error_rate=0.25")
        #expect(within.status == 0, "\(within.stderr)")
        #expect(dir.exists("out.csv"))

        // In a pipeline file, a value that is no fraction is a configuration error naming the key.
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        try dir.write("p.yaml", try dir.text("p.yaml") + "\nerrors: {policy: skip, max_error_rate: 5}\n")
        let wrong = try dir.nnpipe("run", "p.yaml")
        #expect(wrong.status == 78)
        #expect(wrong.stderr.contains("errors.max_error_rate: expected a fraction of the rows read, from 0 to 1"), "\(wrong.stderr)")
    }

    @Test("a run that rejects nothing leaves no rejects file, and removes last night's; one that rejects keeps it")
    func noEmptyRejectsFile() throws {
        let dir = try Self.workDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.write("rej.csv", "line,reason,record\n2,old,\"a,x,2\"\n")
        let clean = try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--on-error", "reject", "--rejects", "rej.csv",
                                      "--stats-json", "s.json")
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(!dir.exists("rej.csv"), "a rejects file without a rejected row, or last night's, was left")
        #expect(!clean.stderr.contains("rej.csv"), "\(clean.stderr)")
        let stats = try #require(try JSONSerialization.jsonObject(with: dir.read("s.json")) as? [String: Any])
        #expect(stats["outputs_kept"] as? [String] == ["out.csv"])
        #expect(stats["outputs_removed"] as? [String] == [])

        for compressed in ["rej.csv.gz", "rej.csv.zst"] {
            let none = try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--on-error", "reject", "--rejects", compressed)
            #expect(none.status == 0)
            #expect(!dir.exists(compressed), "\(compressed)")
        }

        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,x,2\n")
        let rejected = try Self.oneLiner(dir, "in.csv", "-o", "out.csv", "--on-error", "reject", "--rejects", "rej.csv")
        #expect(rejected.status == 0)
        #expect(try dir.text("rej.csv") == "line,reason,record\n3,\"field 2 (\"\"x1\"\"): \"\"x\"\" is not a number\",\"b,x,2\"\n")
        let listing = try dir.listing()
        #expect(listing.allSatisfy { !$0.hasPrefix(".") }, "\(listing)")
    }

    @Test("--skip-existing skips, the next night, an input whose output rejected nothing (and so has no rejects file)")
    func skipExistingWithoutRejectsFile() throws {
        let dir = try Self.workDir()
        try dir.write("in/day1.csv", "id,x1,x2\na,1,2\n")
        try dir.write("in/day2.csv", "id,x1,x2\nb,x,2\nc,1,1\n")
        let arguments = ["-o", "out/{stem}.csv", "--on-error", "reject", "--rejects", "rej/{stem}.csv", "--skip-existing",
                         "--stats-json", "s.json"]
        func night() throws -> [String: Any] {
            let result = try CLI.run(["run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "in/*.csv"] + arguments,
                                     in: dir.url)
            #expect(result.status == 0, "\(result.stderr)")
            return try JSONSerialization.jsonObject(with: dir.read("s.json")) as? [String: Any] ?? [:]
        }
        _ = try night()
        #expect(!dir.exists("rej/day1.csv"))
        #expect(dir.exists("rej/day2.csv"))
        sleep(1)
        let second = try night()
        #expect(second["inputs_up_to_date"] as? [String] == ["in/day1.csv", "in/day2.csv"], "\(second)")
    }
}
