import Foundation
import Testing

/// A stale temporary file from another night (a killed run's, for another dated name) is swept
/// by the next run into the same folder; files a live run or a resumable journal needs are not.
@Suite("Leftovers of killed runs for other output names")
struct LeftoverSweepTests {
    @Test("a run removes a dead run's old temporary file for another name, with a notice; young, journaled, live and foreign files stay")
    func sweep() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        let dead = String(decoding: try Shell.run("sh -c 'echo $$'", in: dir.url), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let stale = "out/.2026-12-01.csv.nnpipe-\(dead)-abc123"
        let young = "out/.2026-12-02.csv.nnpipe-\(dead)-def456"
        let journaled = "out/.2026-11-30.csv.nnpipe-\(dead)-ghi789"
        let foreign = "out/.2026-11-29.csv.partial-\(dead)-jkl012"
        for name in [stale, young, journaled, foreign] { try dir.write(name, String(repeating: "x", count: 100)) }
        try dir.write("out/.2026-11-30.csv.nnpipe-journal", "output \(dir.path(journaled))\n")
        try Shell.run("touch -d '2 hours ago' \(stale) \(journaled) \(foreign)", in: dir.url)

        let result = try dir.nnpipe("run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "in.csv",
                                    "-o", "out/2026-12-03.csv", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "nnpipe: removed the temporary file of a killed nnpipe run (older than an hour, "
                + "no journal to resume them; 100 bytes): \(dir.path(stale))\n")
        #expect(!dir.exists(stale))
        for kept in [young, journaled, foreign, "out/.2026-11-30.csv.nnpipe-journal", "out/2026-12-03.csv"] {
            #expect(dir.exists(kept), "\(kept) was removed")
        }
        // A second run finds nothing more to remove: silent under --quiet.
        let again = try dir.nnpipe("run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "in.csv",
                                   "-o", "out/2026-12-04.csv", "--quiet")
        #expect(again.status == 0)
        #expect(again.stderr == "", "\(again.stderr)")
    }

    @Test("a killed run's journal older than a week goes with its temporary file; a younger one, and the run's own, stay for --resume")
    func oldJournals() throws {
        let dir = try ResumeTests.makeFolder()
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("out"), withIntermediateDirectories: true)
        for night in ["2026-11-20", "2026-12-01", "2026-12-04"] {
            try ResumeTests.runKilled(after: 30, dir, ["run", "p.yaml", "-o", "out/\(night).csv", "--rejects", "out/\(night)-rej.csv"],
                                      journal: "out/.\(night).csv.nnpipe-journal")
        }
        func files(_ night: String) throws -> [String] {
            // The output locks (empty files, free once their run is gone) are not leftovers to sweep.
            try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).filter { $0.hasPrefix(".\(night)") && !$0.hasSuffix(".nnpipe-lock") }
        }
        let first = try files("2026-11-20")
        #expect(first.count == 3, "\(first)")  // journal, output and rejects
        try Shell.run("touch -d '8 days ago' out/.2026-11-20* out/.2026-12-04* && touch -d '2 days ago' out/.2026-12-01*", in: dir.url)
        // The night of 2026-12-04 is run again with --resume: its own journal, old as it is, stays for it.
        let result = try dir.bounded(["run", "p.yaml", "-o", "out/2026-12-04.csv", "--rejects", "out/2026-12-04-rej.csv", "--resume", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("removed the resume journal of a killed nnpipe run (older than a week: --resume no longer goes on from it): \(dir.path("out/.2026-11-20.csv.nnpipe-journal"))"),
                "\(result.stderr)")
        #expect(result.stderr.contains("removed 2 temporary files of killed nnpipe runs"), "\(result.stderr)")
        #expect(try files("2026-11-20") == [])
        let younger = try files("2026-12-01")
        #expect(younger.count == 3, "\(younger)")
        #expect(try files("2026-12-04") == [])
        #expect(try dir.read("out/2026-12-04.csv").count > 0)
    }
}
