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
        expectSameBytes(spaced.stdout, tight.stdout)
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

    @Test("a ;-delimited file: the message says which --delimiter, and that works")
    func otherDelimiter() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("semi.csv", "id;x1;x2\na;1.5;2\n")
        let wrong = try dir.nnpipe("run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "-o", "-", "-q", "semi.csv")
        #expect(wrong.status == 65)
        #expect(wrong.stderr.contains(#"columns present: "id;x1;x2"; the header looks ;-delimited: add --delimiter ';'"#), "\(wrong.stderr)")
        let right = try dir.nnpipe("run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "--delimiter", ";",
                                   "-o", "-", "-q", "semi.csv")
        #expect(right.status == 0, "\(right.stderr)")
        #expect(right.stdoutText == "id,y0,y1\na,5.5,1.5\n")
        // With a pipeline file, the advice is the file's key, or --set.
        try dir.writeSumPipeline(input: "semi.csv", output: "-")
        let file = try dir.nnpipe("run", "p.yaml", "-q")
        #expect(file.stderr.contains(#"set read.delimiter: ";" in the pipeline file (or --set read.delimiter=';')"#), "\(file.stderr)")
        let set = try dir.nnpipe("run", "p.yaml", "-q", "--set", "read.delimiter=;")
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdoutText == "id,y0,y1\na,5.5,1.5\n")
    }

    @Test("a decimal comma is named as such")
    func decimalComma() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("semi.csv", "id;x1;x2\na;-1,5;2\n")
        let result = try dir.nnpipe("run", "--model", "m.json", "--features", "x1,x2", "-d", ";", "-o", "-", "-q", "semi.csv")
        #expect(result.status == 65)
        #expect(result.stderr.contains(#""-1,5" is not a number (a decimal comma? nnpipe reads a decimal point: -1.5)"#), "\(result.stderr)")
        // Written with the point the message shows, the row is read.
        try dir.write("semi.csv", "id;x1;x2\na;-1.5;2\n")
        let fixed = try dir.nnpipe("run", "--model", "m.json", "--features", "x1,x2", "-d", ";", "-o", "-", "-q", "semi.csv")
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(fixed.stdoutText == "y0,y1\n2.5,-1.5\n")
    }

    @Test("a column name that differs by case or a letter: did you mean, and the name it gives works")
    func didYouMean() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("in.csv", "id,Age,tenure_months\na,1,2\n")
        let wrong = try dir.nnpipe("run", "--model", "m.json", "--features", "age,tenure_month", "-o", "-", "-q", "in.csv")
        #expect(wrong.status == 65)
        #expect(wrong.stderr.contains(#"did you mean "Age" for "age", "tenure_months" for "tenure_month"?"#), "\(wrong.stderr)")
        let right = try dir.nnpipe("run", "--model", "m.json", "--features", "Age,tenure_months", "-o", "-", "-q", "in.csv")
        #expect(right.status == 0, "\(right.stderr)")
        // Nothing close: no guess.
        let far = try dir.nnpipe("run", "--model", "m.json", "--features", "weight,height", "-o", "-", "-q", "in.csv")
        #expect(!far.stderr.contains("did you mean"), "\(far.stderr)")
    }

    @Test("UTF-16 text from Excel is refused by name, with no NUL bytes, and the iconv line it gives works")
    func utf16() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "u16.csv", output: "-")
        try dir.write("u16.csv", Data([0xFF, 0xFE]) + "id,x1,x2\na,1,2\n".data(using: .utf16LittleEndian)!)
        let refused = try dir.nnpipe("run", "p.yaml", "-q")
        #expect(refused.status == 65)
        #expect(!refused.stderr.contains("\u{0}"))
        let advice = "iconv -f UTF-16 -t UTF-8 u16.csv | nnpipe run p.yaml --input -"
        #expect(refused.stderr.contains("UTF-16 text (byte order mark ff fe, as Excel's \"Unicode Text\" saves it) is not read directly; convert it into nnpipe: \(advice)"),
                "\(refused.stderr)")
        guard (try? Shell.run("command -v iconv", in: dir.url))?.isEmpty == false else { return }
        let converted = try Shell.run("iconv -f UTF-16 -t UTF-8 u16.csv | \(CLI.binary.path) run p.yaml --input - -q", in: dir.url)
        #expect(String(decoding: converted, as: UTF8.self) == "id,y0,y1\na,5.0,1.0\n")
        // A one-liner is told to keep its options and read -: that works too.
        let options = "--model m.json --features x1,x2 --carry id -q"
        let oneLiner = try CLI.run(["run"] + options.split(separator: " ").map(String.init) + ["u16.csv"], in: dir.url)
        #expect(oneLiner.stderr.contains("convert it into nnpipe: iconv -f UTF-16 -t UTF-8 u16.csv | nnpipe run --model … (the same options) -"),
                "\(oneLiner.stderr)")
        let followed = try Shell.run("iconv -f UTF-16 -t UTF-8 u16.csv | \(CLI.binary.path) run \(options) -", in: dir.url)
        #expect(String(decoding: followed, as: UTF8.self) == "id,y0,y1\na,5.0,1.0\n")
    }
}
