import Foundation
import Testing

/// What an operator types: names with glob characters that are files, lists with spaces, and
/// `--resume --quiet` in a crontab.
@Suite("Operator input: literal names, lists with spaces, a quiet --resume")
struct OperatorInputTests {
    @Test("an input that names an existing file is that file, even with glob characters; patterns still match")
    func existingNameIsNotAPattern() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("data[1].csv", "id,x1,x2\nliteral,1,2\n")
        try dir.write("data1.csv", "id,x1,x2\none,3,4\n")
        try dir.write("data2.csv", "id,x1,x2\ntwo,5,6\n")
        let run = { (input: String) in
            try dir.nnpipe("run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "-o", "-", "-q", input)
        }
        let literal = try run("data[1].csv")
        #expect(literal.status == 0, "\(literal.stderr)")
        #expect(literal.stdoutText == "id,y0,y1\nliteral,5.0,1.0\n")
        // Not a file: a pattern, whose matches are read in sorted order.
        let pattern = try run("data[12].csv")
        #expect(pattern.status == 0, "\(pattern.stderr)")
        #expect(pattern.stdoutText == "id,y0,y1\none,11.0,3.0\ntwo,17.0,5.0\n")
        // A backslash makes a glob character literal in a pattern.
        let escaped = try run(#"data\[1]*.csv"#)
        #expect(escaped.stdoutText == "id,y0,y1\nliteral,5.0,1.0\n", "\(escaped.stderr)")
    }

    @Test("--features, --carry and --activations items may have spaces; a comma inside parentheses stays in its item")
    func listsWithSpaces() throws {
        let work = CLI.repoRoot
        let features = (0..<8).map { "s\($0)" }
        let common = ["run", "--model", "sample-data/sensor-model.npz", "sample-data/sensor-readings.csv.gz",
                      "--on-error", "skip", "-o", "-", "-q"]
        let tight = try CLI.run(common + ["--activations", "hardtanh(-2,2),softmax", "--features", features.joined(separator: ","),
                                          "--carry", "reading_id"], in: work)
        #expect(tight.status == 0, "\(tight.stderr)")
        let spaced = try CLI.run(common + ["--activations", "hardtanh(-2, 2), softmax", "--features", features.joined(separator: ", "),
                                           "--carry", " reading_id "], in: work)
        #expect(spaced.status == 0, "\(spaced.stderr)")
        #expect(spaced.stdout == tight.stdout)
        #expect(tight.stdoutText.hasPrefix("reading_id,"))
    }

    @Test("--resume with nothing to resume: a notice, and nothing at all under --quiet")
    func quietResume() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        let loud = try dir.nnpipe("run", "p.yaml", "--resume")
        #expect(loud.status == 0, "\(loud.stderr)")
        #expect(loud.stderr.contains("out.csv: nothing to resume (no journal of a killed run): starting from the beginning"), "\(loud.stderr)")
        let quiet = try dir.nnpipe("run", "p.yaml", "--resume", "--quiet")
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        #expect(try dir.text("out.csv") == "id,y0,y1\na,5.0,1.0\n")
    }
}
