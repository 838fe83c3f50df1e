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
}
