import Foundation
import Testing

/// A pipeline over `in.csv` (`id,x1,x2`) and the sum model, with the given read and write options
/// (flow-mapping entries, such as `delimiter: ";"`): the read stage is on line 2, write on line 4.
private func sumPipeline(read: String = "", write: String = "", output: String = "out.csv") -> String {
    """
    stages:
      - read: {path: in.csv, features: [x1, x2], carry: [id]\(read.isEmpty ? "" : ", \(read)")}
      - forward: {model: m.json}
      - write: {path: "\(output)"\(write.isEmpty ? "" : ", \(write)")}
    """
}

/// Runs `run` and `validate` on a pipeline that must be refused at load: status 78, one line
/// naming the pipeline file's line and key path, nothing written.
private func expectRefused(_ yaml: String, input: String = "id,x1,x2\na,1,2\n", line: Int, words: [String]) throws {
    let dir = try WorkDir()
    try dir.write("in.csv", input)
    try dir.write("m.json", sumModel)
    try dir.write("p.yaml", yaml)
    for command in ["run", "validate"] {
        let result = try dir.nnpipe(command, "p.yaml")
        #expect(result.status == 78, "\(command): \(result.stderr)")
        #expect(result.stderr.hasPrefix("nnpipe: p.yaml:\(line):"), "\(command): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
        for word in words {
            #expect(result.stderr.contains(word), "\(command): missing '\(word)' in: \(result.stderr)")
        }
        #expect(result.stdout.isEmpty)
        #expect(try dir.listing() == ["in.csv", "m.json", "p.yaml"], "\(command) left files behind")
    }
}

@Suite("Output delimiters: the output always parses back")
struct OutputDelimiterTests {
    @Test("a write delimiter that can occur in a written number is refused at load",
          arguments: ["0", "1", "9", ".", "+", "-", "e", "E", "n", "a", "i", "f"])
    func refusedWriteDelimiter(delimiter: String) throws {
        try expectRefused(sumPipeline(write: "delimiter: \"\(delimiter)\""), line: 4,
                          words: ["stages[2].write.delimiter: '\(delimiter)' cannot be the output delimiter",
                                  "can occur inside a written number", "the letters of nan and inf",
                                  "could not be parsed back"])
    }

    @Test("an unquoted digit is a delimiter too")
    func unquotedDigit() throws {
        try expectRefused(sumPipeline(write: "delimiter: 1"), line: 4, words: ["stages[2].write.delimiter: '1'"])
    }

    @Test("a read delimiter that can occur in a number is refused at load",
          arguments: ["0", "5", ".", "+", "-", "e", "E"])
    func refusedReadDelimiter(delimiter: String) throws {
        try expectRefused(sumPipeline(read: "delimiter: \"\(delimiter)\""), line: 2,
                          words: ["stages[0].read.delimiter: '\(delimiter)' cannot be the input delimiter",
                                  "can occur inside a number", "split apart"])
    }

    @Test("letters of nan and inf may separate input fields (the input's nan and inf are bad rows anyway)")
    func letterReadDelimiter() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "idax1ax2\nq1a1a2\n")
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", sumPipeline(read: "delimiter: a", output: "-"))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "id,y0,y1\nq1,5.0,1.0\n")
    }

    /// Two inline layers: the first gives `x1 + x2` and `-(x1 + x2)` (inf and -inf for 1e308 and
    /// 1e308), written as hidden layer 0; the second adds them (NaN from inf + -inf).
    static let nonFinitePipeline = """
        stages:
          - read: {path: in.csv, features: [x1, x2], carry: [id, note]}
          - forward:
              hidden: [0]
              layers:
                - {weights: [[1, -1], [1, -1]], bias: [0, 0], activation: identity}
                - {weights: [[1], [1]], bias: [0], activation: identity}
          - write: {path: out.csv, delimiter: "DELIM"DECIMALS}
        """

    static let nonFiniteInput = "id,note,x1,x2\nr1,plain,1e308,1e308\nr2,\"a DELIM b\",0.00001,2e20\n\" lead\",\"trail \",-1.5,0.25\n"

    @Test("other delimiters write numbers, nan and inf as they are and quote text holding the delimiter; Python's csv reads the fields back",
          arguments: [";", "|", " ", "\t", "x", "N", "I", ":", "/"], [false, true])
    func parsesBack(delimiter: String, decimals: Bool) throws {
        let dir = try WorkDir()
        try dir.write("in.csv", Self.nonFiniteInput.replacingOccurrences(of: "DELIM", with: delimiter))
        let yamlDelimiter = delimiter == "\t" ? "\\t" : delimiter
        try dir.write("p.yaml", Self.nonFinitePipeline.replacingOccurrences(of: "DELIM", with: yamlDelimiter)
            .replacingOccurrences(of: "DECIMALS", with: decimals ? ", decimals: 3" : ""))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        // Each row read back by Python's csv module with the same delimiter, fields joined by "|".
        let script = """
            import csv, sys
            for row in csv.reader(open("out.csv", newline=""), delimiter=sys.argv[1]):
                print("|".join(row))
            """
        try dir.write("read.py", script)
        let quotedDelimiter = delimiter == "\t" ? "$'\\t'" : "'\(delimiter)'"
        let parsed = String(decoding: try Shell.run("python3 read.py \(quotedDelimiter)", in: dir.url), as: UTF8.self)
        let expected = decimals
            ? """
                id|note|h0_0|h0_1|y0
                r1|plain|inf|-inf|nan
                r2|a \(delimiter) b|200000000000000000000.000|-200000000000000000000.000|0.000
                 lead|trail |-1.250|1.250|0.000

                """
            : """
                id|note|h0_0|h0_1|y0
                r1|plain|inf|-inf|nan
                r2|a \(delimiter) b|2e+20|-2e+20|0.0
                 lead|trail |-1.25|1.25|0.0

                """
        let text = try dir.text("out.csv")
        #expect(parsed == expected, "\(text)")
        // Text that holds the delimiter is quoted; nothing else is.
        #expect(text.contains("\"a \(delimiter) b\""))
        #expect(text.filter { $0 == "\"" }.count == (delimiter == " " ? 6 : 2), "\(text)")
    }
}

@Suite("Output column names: the header names every column once")
struct OutputColumnNameTests {
    @Test("a carried column named like a default output column")
    func carriedLikeDefault() throws {
        try expectRefused("""
            stages:
              - read: {path: in.csv, features: [x1, x2], carry: [y0]}
              - forward: {model: m.json}
              - write: {path: out.csv}
            """, input: "y0,x1,x2\na,1,2\n", line: 2,
            words: ["stages[0].read.carry[0]: carried column \"y0\" has the same name as output column \"y0\" (a default name, from stages[1].forward, line 3)",
                    "two columns named \"y0\"", "name the output columns with write.columns"])
    }

    @Test("write.columns repeating a carried name")
    func columnsRepeatCarried() throws {
        try expectRefused(sumPipeline(write: "columns: [id, total]"), line: 4,
                          words: ["stages[2].write.columns[0]: output column \"id\" has the same name as carried column \"id\" (stages[0].read.carry[0], line 2)",
                                  "two columns named \"id\""])
    }

    @Test("write.columns listing a name twice")
    func columnsTwice() throws {
        try expectRefused(sumPipeline(write: "columns: [total, total]"), line: 4,
                          words: ["stages[2].write.columns[1]: output column \"total\" has the same name as output column \"total\" (stages[2].write.columns[0], line 4)"])
    }

    @Test("without an input header, carried columns are named cN, and clash as such")
    func headerlessCarried() throws {
        try expectRefused("""
            stages:
              - read: {path: in.csv, header: false, features: [1, 2], carry: [0]}
              - forward: {model: m.json}
              - write:
                  path: out.csv
                  columns: [c0, first]
            """, input: "a,1,2\n", line: 6,
            words: ["stages[2].write.columns[0]: output column \"c0\" has the same name as carried column \"c0\" (stages[0].read.carry[0], line 2)"])
    }

    @Test("two forward stages' unnamed hidden layers: one message for the group")
    func defaultGroups() throws {
        let layers = "[{weights: [[1, 1], [2, 0]], bias: [0, 0], activation: identity}, {weights: [[1, 1], [2, 0]], bias: [0, 0], activation: identity}]"
        try expectRefused("""
            stages:
              - read: {path: in.csv, features: [x1, x2]}
              - forward: {hidden: [0], layers: \(layers)}
              - forward: {hidden: [0], layers: \(layers)}
              - write: {path: out.csv}
            """, line: 4,
            words: ["stages[2].forward: output columns \"h0_0\", \"h0_1\" (default names) are also default names from stages[1].forward, line 3",
                    "name the output columns with write.columns"])
    }

    @Test("argmax's class column and a carried column named class")
    func carriedClass() throws {
        try expectRefused("""
            stages:
              - read: {path: in.csv, features: [x1, x2], carry: [class]}
              - forward: {model: m.json}
              - argmax: {}
              - write: {path: out.csv}
            """, input: "class,x1,x2\na,1,2\n", line: 2,
            words: ["stages[0].read.carry[0]: carried column \"class\"", "from stages[2].argmax, line 4"])
    }

    @Test("without an output header no name is written, so none clash", arguments: [
        ("stages:\n  - read: {path: in.csv, features: [x1, x2], carry: [y0]}\n  - forward: {model: m.json}\n  - write: {path: out.csv, header: false}\n",
         "y0,x1,x2\na,1,2\n", "a,5.0,1.0\n"),
        ("stages:\n  - read: {path: in.csv, header: false, features: [1, 2], carry: [0]}\n  - forward: {model: m.json}\n  - write: {path: out.csv, header: false, columns: [c0, c0]}\n",
         "a,1,2\n", "a,5.0,1.0\n"),
    ])
    func noHeader(yaml: String, input: String, output: String) throws {
        let dir = try WorkDir()
        try dir.write("in.csv", input)
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", yaml)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == output)
    }

    @Test("a feature may be carried under its own name, and renamed outputs may take the default names' places")
    func distinctNames() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read: {path: in.csv, features: [x1, x2], carry: [id, x1]}
              - forward: {model: m.json}
              - write: {path: out.csv, columns: [y1, y0]}
            """)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == "id,x1,y1,y0\na,1,5.0,1.0\n")
    }
}

@Suite("Gzip or plain: the content decides, not the name")
struct InputContentTests {
    /// Runs the sum pipeline over the file `name` made by `make` (a bash command), to `out.csv`.
    func run(_ name: String, make: String) throws -> (CLIResult, WorkDir) {
        let dir = try WorkDir()
        try dir.write("raw.csv", "id,x1,x2\na,1,2\nb,3,4\n")
        try Shell.run(make, in: dir.url)
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", pipelineYAML(input: name, model: "m.json", features: ["x1", "x2"], output: "out.csv"))
        return (try dir.nnpipe("run", "p.yaml", "--quiet"), dir)
    }

    @Test("a plain CSV named .gz (as curl saves a decoded body) is read as plain")
    func plainNamedGz() throws {
        let (result, dir) = try run("data.csv.gz", make: "cp raw.csv data.csv.gz")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
    }

    @Test("a plain CSV named .gz with a control character as its delimiter (Hive's \\x01)")
    func plainNamedGzHiveDelimiter() throws {
        let dir = try WorkDir()
        try dir.write("data.gz", "id\u{1}x1\u{1}x2\na\u{1}1\u{1}2\n")
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", pipelineYAML(input: "data.gz", model: "m.json", features: ["x1", "x2"], output: "-",
                                              extraRead: "      delimiter: \"\\x01\""))
        let result = try dir.nnpipe("run", "p.yaml", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "id,y0,y1\na,5.0,1.0\n")
    }

    @Test("gzip named .csv is read as gzip")
    func gzipNamedCsv() throws {
        let (result, dir) = try run("data.csv", make: "gzip -n -c raw.csv > data.csv")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
    }

    @Test("a file named .gz that is neither gzip, zstd nor text is refused, naming what it is", arguments: [
        ("xz -c raw.csv > in.csv.gz", "in.csv.gz: xz-compressed input is not read directly; decompress it into nnpipe: xz -dc in.csv.gz | nnpipe run p.yaml --input -"),
        // A gzip file whose first byte was overwritten: its header's method byte (8) is a control byte.
        ("gzip -n -c raw.csv | { printf x; tail -c +2; } > in.csv.gz", "in.csv.gz (byte 2): named .gz but not gzip data (no gzip magic bytes 1f 8b) and not plain text: byte 0x08 is a control character"),
        // The first of gzip's magic bytes alone: a cut-off gzip file.
        ("printf '\\037' > in.csv.gz", "in.csv.gz (byte 0): truncated gzip file: it holds only the first of gzip's two magic bytes"),
        ("printf 'id,x1,x2\\na,1\\0002\\n' > in.csv.gz", "in.csv.gz (byte 12): named .gz but not gzip data"),
    ])
    func binaryNamedGz(make: String, message: String) throws {
        let (result, dir) = try run("in.csv.gz", make: make)
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("nnpipe: \(message)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!dir.exists("out.csv"))
        #expect(try temporaryFiles(dir.listing()).isEmpty)
    }

    @Test("a truncated or corrupt gzip is refused whatever its name, never read as plain text", arguments: [
        ("in.csv.gz", "gzip -n -c raw.csv | head -c -6 > in.csv.gz", "truncated gzip file"),
        ("in.csv", "gzip -n -c raw.csv | head -c -6 > in.csv", "truncated gzip file"),
        ("in.csv", "printf '\\037\\213' > in.csv", "truncated gzip file"),
        ("in.csv.gz", "gzip -n -c raw.csv > g && head -c 10 g > in.csv.gz && head -c 8 /dev/zero | tr '\\0' '\\377' >> in.csv.gz && tail -c +19 g >> in.csv.gz", "corrupt gzip data"),
    ])
    func brokenGzip(name: String, make: String, words: String) throws {
        let (result, dir) = try run(name, make: make)
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("nnpipe: \(name) (byte "), "\(result.stderr)")
        #expect(result.stderr.contains(words), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!dir.exists("out.csv"))
    }
}
