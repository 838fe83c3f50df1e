import Foundation
import Testing

/// How a bad-input case makes its input file.
enum BadInput: Sendable {
    /// These bytes, written to the case's input name.
    case text(String)
    case bytes([UInt8])
    /// A bash command run in the case's folder that writes the input file (gzip and friends).
    case shell(String)
    /// No input file at all.
    case absent
}

/// Where the message must say the problem is.
enum BadLocation: Sendable {
    /// A line of the input: `FILE: line N` (a bad row) or `FILE:N:` (the input as a whole).
    case input(Int)
    /// A line of the pipeline file: `p.yaml:N`.
    case pipeline(Int)
}

/// One bad input and what nnpipe must do with it.
struct BadInputCase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: BadInput
    /// The input's file name (the pipeline reads this name).
    var inputName = "in.csv"
    /// `errors.policy` in the pipeline file (`fail` is also the default when the section is absent).
    var policy = "fail"
    var maxErrors: Int?
    /// `read.features` and `read.carry`.
    var features = ["x1", "x2"]
    var carry = ["id"]
    /// Extra `read:` keys, one per line, indented six spaces.
    var extraRead = ""
    /// Extra command-line arguments after `run p.yaml`.
    var arguments: [String] = []
    /// The model file's text.
    var model = sumModel
    var status: Int32
    /// Words the error message must hold.
    var words: [String] = []
    var at: BadLocation?
    /// The exact output file (only for status 0).
    var output: [UInt8]?
    /// The exact rejects file (only for status 0 under the reject policy).
    var rejects: String?
    /// The exact counts from `--stats-json` (only for status 0).
    var counts: RowCounts?
    var testDescription: String { name }
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A 2,000-row CSV compressed by gzip, reproducibly (`-n`: no name or time in the header).
private let gzip2000 = #"awk 'BEGIN { print "id,x1,x2"; for (i = 0; i < 2000; i++) print i "," i % 7 "," i % 5 }' | gzip -n -c > good.gz"#

let badInputCases: [BadInputCase] = [
    // Records with the wrong shape.
    BadInputCase(name: "too few fields", input: .text("id,x1,x2\na,1,2\nb,3\nc,5,6\n"), status: 65,
                 words: ["expected 3 fields, found 2"], at: .input(3)),
    BadInputCase(name: "too many fields", input: .text("id,x1,x2\na,1,2\nb,3,4,5\nc,5,6\n"), status: 65,
                 words: ["expected 3 fields, found 4"], at: .input(3)),
    BadInputCase(name: "too few fields without a header (against the first record)",
                 input: .text("a,1,2\nb,3,4\nc,5\n"), features: ["1", "2"], carry: ["0"], extraRead: "      header: false",
                 status: 65,
                 words: ["expected 3 fields, found 2"], at: .input(3)),

    // Feature values that are not numbers.
    BadInputCase(name: "empty feature", input: .text("id,x1,x2\na,1,2\nb,,4\n"), status: 65,
                 words: ["field 2", "\"x1\"", "empty"], at: .input(3)),
    BadInputCase(name: "empty quoted feature", input: .text("id,x1,x2\na,1,2\nb,3,\"\"\n"), status: 65,
                 words: ["field 3", "\"x2\"", "empty"], at: .input(3)),
    BadInputCase(name: "whitespace-only feature", input: .text("id,x1,x2\na,1,2\nb,   ,4\n"), status: 65,
                 words: ["field 2", "\"x1\""], at: .input(3)),
    BadInputCase(name: "N/A", input: .text("id,x1,x2\na,1,2\nb,N/A,4\n"), status: 65,
                 words: ["field 2", "\"x1\"", "\"N/A\" is not a number"], at: .input(3)),
    BadInputCase(name: "decimal comma, quoted into one field", input: .text("id,x1,x2\na,1,2\nb,\"1,5\",4\n"), status: 65,
                 words: ["field 2", "\"1,5\" is not a number"], at: .input(3)),
    BadInputCase(name: "hexadecimal float 0x1p3", input: .text("id,x1,x2\na,1,2\nb,0x1p3,4\n"), status: 65,
                 words: ["\"0x1p3\"", "not a number"], at: .input(3)),
    BadInputCase(name: "nan", input: .text("id,x1,x2\na,1,2\nb,3,nan\n"), status: 65,
                 words: ["field 3", "\"x2\"", "\"nan\"", "not a finite number"], at: .input(3)),
    BadInputCase(name: "inf", input: .text("id,x1,x2\na,1,2\nb,inf,4\n"), status: 65,
                 words: ["\"inf\"", "not a finite number"], at: .input(3)),
    BadInputCase(name: "-Infinity", input: .text("id,x1,x2\na,1,2\nb,-Infinity,4\n"), status: 65,
                 words: ["\"-Infinity\"", "not a finite number"], at: .input(3)),
    BadInputCase(name: "1e400 is beyond float64", input: .text("id,x1,x2\na,1,2\nb,1e400,4\n"), status: 65,
                 words: ["\"1e400\"", "out of float64 range"], at: .input(3)),
    BadInputCase(name: "two numbers in one field", input: .text("id,x1,x2\na,1,2\nb,1 2,4\n"), status: 65,
                 words: ["\"1 2\" is not a number"], at: .input(3)),
    BadInputCase(name: "invalid UTF-8 in a feature", input: .bytes(bytes("id,x1,x2\na,") + [0xFF, 0xFE] + bytes(",2\n")),
                 status: 65, words: ["field 2", "is not a number"], at: .input(2)),

    // Quoting.
    BadInputCase(name: "malformed quote inside an unquoted field", input: .text("id,x1,x2\na,1,2\nb,ab\"c,4\n"),
                 status: 65, words: ["field 2", "malformed quoting"], at: .input(3)),
    BadInputCase(name: "text after a closing quote", input: .text("id,x1,x2\na,1,2\nb,\"ab\"c,4\n"),
                 status: 65, words: ["malformed quoting"], at: .input(3)),
    BadInputCase(name: "unterminated quote at end of input", input: .text("id,x1,x2\na,1,2\nb,\"3,4\n"),
                 status: 65, words: ["unterminated quoted field"], at: .input(3)),
    // A carriage return ends a row for libcsv: the field named is the one holding it, not one past the record.
    BadInputCase(name: "carriage return in the last field of a 3-field record",
                 input: .text("id,x1,x2\na,1,2\nb,1,2\rx\nc,3,4\n"),
                 status: 65, words: ["field 3 (\"x2\")", "carriage return inside an unquoted field"], at: .input(3)),
    BadInputCase(name: "carriage return in a middle field", input: .text("id,x1,x2\na,1,2\nb,1\r5,2\n"),
                 status: 65, words: ["field 2 (\"x1\")", "carriage return inside an unquoted field"], at: .input(3)),
    BadInputCase(name: "record longer than max_record_bytes",
                 input: .text("id,x1,x2\na,1,2\n" + String(repeating: "b", count: 100) + ",3,4\nc,5,6\n"),
                 extraRead: "      max_record_bytes: 64", status: 65,
                 words: ["longer than 64 bytes", "max_record_bytes"], at: .input(3)),
    BadInputCase(name: "unterminated quote swallowing the file hits max_record_bytes",
                 input: .text("id,x1,x2\na,1,2\nb,\"3,4\n" + (1...20).map { "c\($0),5,6\n" }.joined()),
                 extraRead: "      max_record_bytes: 64", status: 65,
                 words: ["longer than 64 bytes", "unterminated quote"], at: .input(3)),

    // Line numbers count physical lines.
    BadInputCase(name: "line number after a quoted field with a line break",
                 input: .text("id,x1,x2\n\"a\nb\",1,2\n\"c\nd\",x,2\n"), status: 65,
                 words: ["\"x\" is not a number"], at: .input(4)),
    BadInputCase(name: "line number counts blank lines", input: .text("id,x1,x2\n\na,1,2\n\nb,x,4\n"), status: 65,
                 words: ["\"x\" is not a number"], at: .input(5)),
    BadInputCase(name: "line number with CRLF and a byte-order mark",
                 input: .bytes([0xEF, 0xBB, 0xBF] + bytes("id,x1,x2\r\na,1,2\r\nb,x,2\r\n")), status: 65,
                 words: ["\"x\" is not a number"], at: .input(3)),

    // Carried columns are not checked.
    BadInputCase(name: "invalid UTF-8 in a carried column succeeds, carried byte for byte",
                 input: .bytes(bytes("id,x1,x2\n") + [0xFF, 0xFE, 0x41, 0xC3] + bytes(",1,2\nb,3,4\n")), status: 0,
                 output: bytes("id,y0,y1\n") + [0xFF, 0xFE, 0x41, 0xC3] + bytes(",5.0,1.0\nb,11.0,3.0\n"),
                 counts: RowCounts(read: 2, written: 2)),

    // The input as a whole.
    BadInputCase(name: "missing input file", input: .absent, status: 66, words: ["in.csv", "no such file"]),
    BadInputCase(name: "a .gz path that is neither gzip nor text", input: .bytes(bytes("id,x1,x2\na,1,") + [0x00] + bytes("2\n")),
                 inputName: "in.csv.gz", status: 65, words: ["in.csv.gz", "(byte 13)", "not gzip", "not plain text"]),
    BadInputCase(name: "a .gz path that is plain text is read as plain", input: .text("id,x1,x2\na,1,2\n"), inputName: "in.csv.gz",
                 status: 0, output: bytes("id,y0,y1\na,5.0,1.0\n"), counts: RowCounts(read: 1, written: 1)),
    BadInputCase(name: "corrupt gzip (bytes overwritten in the middle)",
                 input: .shell(gzip2000 + """
                     && size=$(wc -c < good.gz) && cp good.gz in.csv.gz && rm good.gz \
                     && head -c 32 /dev/zero | tr '\\0' '\\377' | dd of=in.csv.gz bs=1 seek=$((size / 2)) conv=notrunc status=none
                     """),
                 inputName: "in.csv.gz", status: 65, words: ["in.csv.gz", "(byte ", "corrupt gzip"]),
    BadInputCase(name: "truncated gzip (last bytes cut)",
                 input: .shell(gzip2000 + " && head -c $(( $(wc -c < good.gz) - 20 )) good.gz > in.csv.gz && rm good.gz"),
                 inputName: "in.csv.gz", status: 65, words: ["in.csv.gz", "(byte ", "truncated"]),
    BadInputCase(name: "gzip magic bytes only", input: .bytes([0x1F, 0x8B]), inputName: "in.csv.gz", status: 65,
                 words: ["in.csv.gz", "truncated"]),
    BadInputCase(name: "empty file", input: .text(""), status: 65, words: ["in.csv", "empty"], at: .input(1)),
    BadInputCase(name: "blank lines only", input: .text("\n\r\n\n"), status: 65, words: ["in.csv", "empty"]),
    BadInputCase(name: "gzip of an empty file", input: .shell(": | gzip -n -c > in.csv.gz"), inputName: "in.csv.gz",
                 status: 65, words: ["in.csv.gz", "empty"]),
    BadInputCase(name: "header-only file: zero rows", input: .text("id,x1,x2\n"), status: 0,
                 output: bytes("id,y0,y1\n"), counts: RowCounts(read: 0, written: 0)),
    BadInputCase(name: "duplicate header names", input: .text("id,x1,x1\na,1,2\n"), status: 65,
                 words: ["duplicate", "\"x1\""], at: .input(1)),
    BadInputCase(name: "duplicate name of an unused column", input: .text("id,x1,x2,z,z\na,1,2,3,4\n"), status: 65,
                 words: ["duplicate", "\"z\""], at: .input(1)),
    BadInputCase(name: "requested feature column missing", input: .text("id,x1,x3\na,1,2\n"), status: 65,
                 words: ["\"x2\"", "not in the input", "columns present: \"id\", \"x1\", \"x3\""], at: .input(1)),
    BadInputCase(name: "feature index beyond the fields of a headerless record",
                 input: .text("a,1\nb,3\n"), features: ["1", "2"], carry: ["0"], extraRead: "      header: false",
                 status: 65, words: ["feature column 2 (", "not in the input", "records have 2 fields (indices 0-1)"],
                 at: .input(1)),
    BadInputCase(name: "carried column missing", input: .text("x1,x2\n1,2\n"), status: 65,
                 words: ["\"id\"", "not in the input", "columns present: \"x1\", \"x2\""], at: .input(1)),

    // Model files.
    BadInputCase(name: "model file with malformed JSON", input: .text("id,x1,x2\na,1,2\n"),
                 model: #"{"layers": [{"weights": [[1, 1], [2, 0]], "bias": [0, 0], "activation": "identity"}"#,
                 status: 78, words: ["m.json", "not valid JSON"], at: .pipeline(8)),
    BadInputCase(name: "model with ragged weights", input: .text("id,x1,x2\na,1,2\n"),
                 model: #"{"layers": [{"weights": [[1, 1], [2]], "bias": [0, 0], "activation": "identity"}]}"#,
                 status: 78, words: ["m.json", "layers[0].weights[1]"], at: .pipeline(8)),
    BadInputCase(name: "model with a bias of the wrong length", input: .text("id,x1,x2\na,1,2\n"),
                 model: #"{"layers": [{"weights": [[1, 1], [2, 0]], "bias": [0, 0, 0], "activation": "identity"}]}"#,
                 status: 78, words: ["m.json", "layers[0].bias", "has 3 values but weights have 2 units"], at: .pipeline(8)),
    BadInputCase(name: "model layers that do not chain", input: .text("id,x1,x2\na,1,2\n"),
                 model: #"{"layers": [{"weights": [[1, 1], [2, 0]], "bias": [0, 0], "activation": "identity"}, {"weights": [[1], [2], [3]], "bias": [0], "activation": "relu"}]}"#,
                 status: 78, words: ["m.json", "layers[1].weights", "takes 3 inputs"], at: .pipeline(8)),

    // Policies.
    BadInputCase(name: "skip policy with several bad rows",
                 input: .text("id,x1,x2\na,1,2\nb,N/A,4\nc,3,4\nd,5\n\"e,x\",1,nan\nf,1,1\n"), policy: "skip", status: 0,
                 output: bytes("id,y0,y1\na,5.0,1.0\nc,11.0,3.0\nf,3.0,1.0\n"),
                 counts: RowCounts(read: 6, written: 3, skipped: 3)),
    BadInputCase(name: "reject policy: rejects file checked exactly",
                 input: .text("id,x1,x2\na,1,2\nb,N/A,4\nc,3,4\nd,5\n\"e,x\",1,nan\n\"g\nh\",x,1\nf,1,1\n"), policy: "reject",
                 status: 0, output: bytes("id,y0,y1\na,5.0,1.0\nc,11.0,3.0\nf,3.0,1.0\n"),
                 rejects: #"""
                     line,reason,record
                     3,"field 2 (""x1""): ""N/A"" is not a number","b,N/A,4"
                     5,"expected 3 fields, found 2","d,5"
                     6,"field 3 (""x2""): ""nan"" is not a finite number","""e,x"",1,nan"
                     7,"field 2 (""x1""): ""x"" is not a number","""g
                     h"",x,1"

                     """#,
                 counts: RowCounts(read: 7, written: 3, rejected: 4)),
    BadInputCase(name: "reject policy: no rejects file when all rows are good",
                 input: .text("id,x1,x2\na,1,2\n"), policy: "reject", status: 0, output: bytes("id,y0,y1\na,5.0,1.0\n"),
                 rejects: "<none>", counts: RowCounts(read: 1, written: 1)),
    BadInputCase(name: "max_errors exceeded under skip",
                 input: .text("id,x1,x2\na,1,2\nb,N/A,4\nc,3,4\nd,5\n\"e,x\",1,nan\nf,1,1\n"), policy: "skip", maxErrors: 2,
                 status: 65, words: ["\"nan\"", "max_errors"], at: .input(6)),
    BadInputCase(name: "max_errors exceeded under reject (no rejects file left)",
                 input: .text("id,x1,x2\na,1,2\nb,N/A,4\nc,3,4\nd,5\n\"e,x\",1,nan\nf,1,1\n"), policy: "reject", maxErrors: 2,
                 status: 65, words: ["\"nan\"", "max_errors"], at: .input(6)),
    BadInputCase(name: "max_errors reached but not exceeded",
                 input: .text("id,x1,x2\na,1,2\nb,N/A,4\nc,3,4\nd,5\n\"e,x\",1,nan\nf,1,1\n"), policy: "reject", maxErrors: 3,
                 status: 0, output: bytes("id,y0,y1\na,5.0,1.0\nc,11.0,3.0\nf,3.0,1.0\n"),
                 rejects: #"""
                     line,reason,record
                     3,"field 2 (""x1""): ""N/A"" is not a number","b,N/A,4"
                     5,"expected 3 fields, found 2","d,5"
                     6,"field 3 (""x2""): ""nan"" is not a finite number","""e,x"",1,nan"

                     """#,
                 counts: RowCounts(read: 6, written: 3, rejected: 3)),
    BadInputCase(name: "--on-error skip overrides policy fail in the file",
                 input: .text("id,x1,x2\na,1,2\nb,N/A,4\nc,3,4\n"), policy: "fail", arguments: ["--on-error", "skip"],
                 status: 0, output: bytes("id,y0,y1\na,5.0,1.0\nc,11.0,3.0\n"),
                 counts: RowCounts(read: 3, written: 2, skipped: 1)),
    BadInputCase(name: "--on-error fail overrides policy skip in the file",
                 input: .text("id,x1,x2\na,1,2\nb,N/A,4\nc,3,4\n"), policy: "skip", arguments: ["--on-error", "fail"],
                 status: 65, words: ["\"N/A\" is not a number"], at: .input(3)),
    BadInputCase(name: "--on-error reject overrides policy skip in the file",
                 input: .text("id,x1,x2\na,1,2\nb,N/A,4\nc,3,4\n"), policy: "skip", arguments: ["--on-error", "reject"],
                 status: 0, output: bytes("id,y0,y1\na,5.0,1.0\nc,11.0,3.0\n"),
                 rejects: "line,reason,record\n3,\"field 2 (\"\"x1\"\"): \"\"N/A\"\" is not a number\",\"b,N/A,4\"\n",
                 counts: RowCounts(read: 3, written: 2, rejected: 1)),
]

/// Whether `stderr` names line `line` of `file`, as a bad row (`FILE: line N`) or as a place in the input (`FILE:N:`).
func mentionsLine(_ stderr: String, file: String, line: Int) -> Bool {
    stderr.contains("\(file): line \(line),") || stderr.contains("\(file): line \(line):")
        || stderr.contains("\(file):\(line):") || stderr.contains("\(file):\(line) ")
}

@Suite("Bad input: status, message, line, outputs and counts")
struct BadInputTests {
    /// Writes the case's folder: the input, the model, and the pipeline file.
    func prepare(_ c: BadInputCase) throws -> WorkDir {
        let dir = try WorkDir()
        switch c.input {
        case .text(let text): try dir.write(c.inputName, text)
        case .bytes(let bytes): try dir.write(c.inputName, Data(bytes))
        case .shell(let command):
            try Shell.run("set -e; " + command, in: dir.url)
            #expect(dir.exists(c.inputName), "the shell step did not make \(c.inputName)")
        case .absent: break
        }
        try dir.write("m.json", c.model)
        var errors = "errors:\n  policy: \(c.policy)\n  rejects: rej.csv"
        if let maxErrors = c.maxErrors { errors += "\n  max_errors: \(maxErrors)" }
        let yaml = pipelineYAML(input: c.inputName, model: "m.json", features: c.features, carry: c.carry,
                                output: "out.csv", extraRead: c.extraRead, execution: errors)
        try dir.write("p.yaml", yaml)
        return dir
    }

    @Test(arguments: badInputCases)
    func badInput(_ c: BadInputCase) throws {
        let dir = try prepare(c)
        let before = try dir.listing()
        let result = try CLI.run(["run", "p.yaml", "--stats-json", "stats.json"] + c.arguments, in: dir.url)
        let after = try dir.listing()
        let added = Set(after).subtracting(before)

        #expect(result.status == c.status, "status \(result.status); stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "standard output carries nothing when the output is a file")
        #expect(temporaryFiles(after).isEmpty, "temporary files left: \(after)")
        for words in c.words {
            #expect(result.stderr.contains(words), "missing '\(words)' in: \(result.stderr)")
        }
        switch c.at {
        case .input(let line):
            #expect(mentionsLine(result.stderr, file: c.inputName, line: line), "no line \(line) in: \(result.stderr)")
        case .pipeline(let line):
            #expect(result.stderr.contains("p.yaml:\(line):"), "no p.yaml:\(line) in: \(result.stderr)")
        case nil: break
        }
        let stats = try readStats(dir)

        if c.status == 0 {
            var expectedAdded: Set<String> = ["out.csv", "stats.json"]
            let policy = c.arguments.firstIndex(of: "--on-error").map { c.arguments[$0 + 1] } ?? c.policy
            // A rejects file is left only with a rejected row in it.
            if policy == "reject" && c.rejects != "<none>" { expectedAdded.insert("rej.csv") }
            #expect(added == expectedAdded, "files after the run: \(after)")
            if let output = c.output {
                let written = (try? dir.read("out.csv")) ?? Data()
                #expect(written == Data(output),
                        "output:\n\(String(decoding: written, as: UTF8.self))\nexpected:\n\(String(decoding: output, as: UTF8.self))")
            }
            if let rejects = c.rejects {
                #expect(((try? dir.text("rej.csv")) ?? "<none>") == rejects)
            }
            let s = try #require(stats, "--stats-json wrote nothing")
            #expect(s["succeeded"] as? Bool == true)
            let n = try #require(counts(s), "stats without row counts: \(s)")
            #expect(n.read == n.written + n.skipped + n.rejected, "rows read ≠ written + skipped + rejected: \(n)")
            if let expected = c.counts { #expect(n == expected) }
            #expect(result.stderr.contains("\(n.read) rows read, \(n.written) written, \(n.skipped) skipped, \(n.rejected) rejected"),
                    "summary line: \(result.stderr)")
        } else {
            // A failed run leaves no output file, no rejects file and no temporary file: at most its figures.
            #expect(added.isSubset(of: ["stats.json"]), "files left after a failed run: \(after)")
            #expect(result.stderr.hasPrefix("nnpipe: "), "\(result.stderr)")
            if let s = stats { #expect(s["succeeded"] as? Bool == false, "stats of a failed run: \(s)") }
        }
    }

    @Test("at least 30 bad inputs in the table")
    func tableSize() {
        #expect(badInputCases.count >= 30)
        #expect(Set(badInputCases.map(\.name)).count == badInputCases.count, "case names must be unique")
    }

    /// Many rows, one chunk each, three workers: bad rows from line 1501 on, each with its own reason. Whichever
    /// worker finishes first, the message must name the first bad row in input order, every time.
    @Test("the first bad row in input order is reported, whatever the workers")
    func firstBadRowAcrossChunks() throws {
        let dir = try WorkDir()
        var text = "id,x1,x2\n"
        for row in 1...3000 {
            if row < 1500 { text += "r\(row),\(row % 7),\(row % 5)\n" }
            else if row % 3 == 0 { text += "r\(row),bad\(row),1\n" }
            else if row % 3 == 1 { text += "r\(row),1\n" }
            else { text += "r\(row),1,nan\n" }
        }
        try dir.write("in.csv", text)
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv",
                                              execution: "execution:\n  chunk_rows: 1\n  workers: 3")
        // Row 1500 (line 1501) is `r1500,bad1500,1`.
        for attempt in 1...8 {
            let result = try dir.nnpipe("run", "p.yaml")
            #expect(result.status == 65, "attempt \(attempt): \(result.stderr)")
            #expect(result.stderr.contains("in.csv: line 1501, field 2 (\"x1\"): \"bad1500\" is not a number"),
                    "attempt \(attempt): \(result.stderr)")
            let errorLines = result.stderr.split(separator: "\n").filter { $0.contains("line ") }
            #expect(errorLines.count == 1, "attempt \(attempt): one error line, got: \(result.stderr)")
            #expect(try dir.listing() == ["in.csv", "m.json", "p.yaml"], "attempt \(attempt) left files behind")
        }
    }

    /// The same input under `reject`: the rejects file lists the bad rows in input order, identically every run.
    @Test("rejects are written in input order, whatever the workers")
    func rejectsInOrderAcrossChunks() throws {
        let dir = try WorkDir()
        var text = "id,x1,x2\n"
        var expected = "line,reason,record\n"
        for row in 1...600 {
            if row % 10 == 0 {
                text += "r\(row),bad\(row),1\n"
                expected += "\(row + 1),\"field 2 (\"\"x1\"\"): \"\"bad\(row)\"\" is not a number\",\"r\(row),bad\(row),1\"\n"
            } else {
                text += "r\(row),\(row % 7),\(row % 5)\n"
            }
        }
        try dir.write("in.csv", text)
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv",
                                              execution: "execution:\n  chunk_rows: 1\n  workers: 3\nerrors:\n  policy: reject\n  rejects: rej.csv")
        for attempt in 1...4 {
            let result = try dir.nnpipe("run", "p.yaml", "--stats-json", "stats.json")
            #expect(result.status == 0, "attempt \(attempt): \(result.stderr)")
            #expect(try dir.text("rej.csv") == expected, "attempt \(attempt)")
            let stats = try #require(try readStats(dir))
            let n = try #require(counts(stats))
            #expect(n == RowCounts(read: 600, written: 540, rejected: 60), "attempt \(attempt)")
            #expect(try dir.text("out.csv").split(separator: "\n").count == 541)
        }
    }
}
