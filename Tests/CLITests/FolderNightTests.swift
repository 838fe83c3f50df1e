import Foundation
import Testing

/// A folder of daily files scored night after night: `--skip-existing` scores only the new ones,
/// `--keep-going` does not let one bad file stop the others.
@Suite("A folder over several nights: --skip-existing and --keep-going")
struct FolderNightTests {
    static func run(_ dir: WorkDir, _ extra: String...) throws -> CLIResult {
        try CLI.run(["run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "-o", "out/{stem}.csv",
                     "--stats-json", "s.json", "in/*.csv"] + extra, in: dir.url)
    }

    static func stats(_ dir: WorkDir) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: dir.read("s.json")) as? [String: Any] ?? [:]
    }

    @Test("night 1 with a truncated file, night 2 with a new file and the bad one fixed", .bounded(minutes: 5))
    func nights() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("in/day1.csv", "id,x1,x2\na,1,2\n")
        try dir.write("in/day2.csv", "id,x1,x2\nb,x,2\n")
        try dir.write("in/day3.csv", "id,x1,x2\nc,3,4\n")

        // Night 1: day2 is bad; the others are still scored, the status is day2's.
        let first = try Self.run(dir, "--keep-going", "--skip-existing")
        #expect(first.status == 65, "\(first.stderr)")
        #expect(first.stderr.contains(#"in/day2.csv: line 2, field 2 ("x1"): "x" is not a number"#), "\(first.stderr)")
        #expect(try dir.text("out/day1.csv") == "id,y0,y1\na,5.0,1.0\n")
        #expect(try dir.text("out/day3.csv") == "id,y0,y1\nc,11.0,3.0\n")
        #expect(!dir.exists("out/day2.csv"))
        var stats = try Self.stats(dir)
        let failed = stats["failed_inputs"] as? [[String: Any]] ?? []
        #expect(failed.count == 1)
        #expect(failed.first?["files"] as? [String] == ["in/day2.csv"])
        #expect(failed.first?["exit_status"] as? Int == 65)
        #expect(stats["exit_status"] as? Int == 65)
        let day1 = try FileManager.default.attributesOfItem(atPath: dir.path("out/day1.csv"))[.modificationDate] as? Date

        // Night 2: day2 fixed, day4 new: only they are read.
        try dir.write("in/day2.csv", "id,x1,x2\nb,5,2\n")
        try dir.write("in/day4.csv", "id,x1,x2\nd,1,1\n")
        let second = try Self.run(dir, "--keep-going", "--skip-existing")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("2 inputs skipped, their outputs up to date"), "\(second.stderr)")
        stats = try Self.stats(dir)
        #expect(stats["rows_read"] as? Int == 2)
        #expect(stats["inputs_up_to_date"] as? [String] == ["in/day1.csv", "in/day3.csv"])
        #expect(try dir.text("out/day2.csv") == "id,y0,y1\nb,9.0,5.0\n")
        #expect(try dir.text("out/day4.csv") == "id,y0,y1\nd,3.0,1.0\n")
        let day1After = try FileManager.default.attributesOfItem(atPath: dir.path("out/day1.csv"))[.modificationDate] as? Date
        #expect(day1After == day1, "an up-to-date output was written again")

        // An input replaced by a file with an old modification time (cp -p, rsync -t) is read again.
        try dir.write("in/day1.csv", "id,x1,x2\na,2,2\n")
        try Shell.run("touch -d 2001-01-01 in/day1.csv", in: dir.url)
        let replaced = try Self.run(dir, "--skip-existing")
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try dir.text("out/day1.csv") == "id,y0,y1\na,6.0,2.0\n", "a replaced input was skipped")

        // A new model makes every output out of date.
        try dir.write("m.json", sumModel)
        let third = try Self.run(dir, "--skip-existing")
        #expect(third.status == 0)
        #expect(try Self.stats(dir)["rows_read"] as? Int == 4)
    }

    @Test("without --keep-going the first failure stops the run; a shared rejects file is refused with --keep-going")
    func stopsAndRefuses() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("in/day1.csv", "id,x1,x2\na,x,2\n")
        try dir.write("in/day2.csv", "id,x1,x2\nb,3,4\n")
        let stopped = try Self.run(dir)
        #expect(stopped.status == 65)
        #expect(!dir.exists("out/day2.csv"))
        let refused = try Self.run(dir, "--keep-going", "--on-error", "reject", "--rejects", "rejects.csv")
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("--keep-going: needs a rejects file per output: a name template such as --rejects 'rejects/{stem}.csv'"),
                "\(refused.stderr)")
        let templated = try Self.run(dir, "--keep-going", "--on-error", "reject", "--rejects", "rejects/{stem}.csv")
        #expect(templated.status == 0, "\(templated.stderr)")
        #expect(try dir.text("out/day2.csv") == "id,y0,y1\nb,11.0,3.0\n")
    }
}
