import Foundation
import Testing

@Suite("Input and output formats")
struct InputFormatTests {
    /// Runs the sum model over `input` (written to `name`) and returns the output text.
    func run(_ input: Data, name: String = "in.csv", carry: [String] = ["id"], extraRead: String = "",
             extraArgs: [String] = [], output: String = "out.csv") throws -> (CLIResult, String, WorkDir) {
        let dir = try WorkDir()
        try dir.write(name, input)
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", pipelineYAML(input: name, model: "m.json", features: ["x1", "x2"], carry: carry,
                                              output: output, extraRead: extraRead))
        let result = try CLI.run(["run", "p.yaml"] + extraArgs, in: dir.url)
        let text = output == "-" ? result.stdoutText : ((try? dir.text(output)) ?? "")
        return (result, text, dir)
    }

    @Test("plain CSV")
    func plain() throws {
        let (result, text, _) = try run(Data("id,x1,x2\na,1,2\nb,3,4\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(text == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
    }

    @Test("gzip detected by magic bytes, whatever the name")
    func gzipByContent() throws {
        let dir = try WorkDir()
        try dir.write("raw.csv", "id,x1,x2\na,1,2\nb,3,4\n")
        try Shell.run("gzip -c raw.csv > data.bin", in: dir.url)
        let (result, text, _) = try run(try dir.read("data.bin"), name: "data.bin")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(text == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
    }

    @Test("multi-member gzip (cat a.gz b.gz) is read whole")
    func multiMember() throws {
        let dir = try WorkDir()
        try dir.write("a.csv", "id,x1,x2\na,1,2\n")
        try dir.write("b.csv", "b,3,4\nc,5,6\n")
        try Shell.run("gzip -c a.csv > a.gz && gzip -c b.csv > b.gz && cat a.gz b.gz > all.csv.gz", in: dir.url)
        let (result, text, _) = try run(try dir.read("all.csv.gz"), name: "all.csv.gz")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(text == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\nc,17.0,5.0\n")
    }

    @Test("standard input and standard output")
    func stdinStdout() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "unused.csv", output: "unused-out.csv")
        let result = try dir.nnpipe("run", "p.yaml", "--input", "-", "--output", "-", stdin: Data("id,x1,x2\nq,0.5,0.25\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "id,y0,y1\nq,1.0,0.5\n")
        #expect(!dir.exists("unused-out.csv"))
    }

    @Test("gzip on standard input")
    func gzipStdin() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("raw.csv", "id,x1,x2\nq,1,1\n")
        let gz = try Shell.run("gzip -c raw.csv", in: dir.url)
        try dir.write("p.yaml", pipelineYAML(input: "-", model: "m.json", features: ["x1", "x2"], output: "-"))
        let result = try dir.nnpipe("run", "p.yaml", stdin: gz)
        #expect(result.stdoutText == "id,y0,y1\nq,3.0,1.0\n")
    }

    @Test("CRLF line ends and a UTF-8 byte-order mark")
    func crlfAndBOM() throws {
        var input = Data([0xEF, 0xBB, 0xBF])
        input.append(Data("id,x1,x2\r\na,1,2\r\nb,3,4\r\n".utf8))
        let (result, text, _) = try run(input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(text == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
    }

    @Test("quoted fields with delimiters, quotes and newlines; carried byte for byte")
    func quotedFields() throws {
        let input = "id,note,x1,x2\n\"a,1\",\"line one\nline two\",1,2\n\"say \"\"hi\"\"\",plain,\"3\",4\n  spaced  ,é\u{00A0}ü,5,6\n"
        let (result, text, _) = try run(Data(input.utf8), carry: ["id", "note"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(text == "id,note,y0,y1\n\"a,1\",\"line one\nline two\",5.0,1.0\n\"say \"\"hi\"\"\",plain,11.0,3.0\n  spaced  ,é\u{00A0}ü,17.0,5.0\n")
    }

    @Test("invalid UTF-8 in a carried column is carried byte for byte")
    func invalidUTF8Carried() throws {
        var input = Data("id,x1,x2\n".utf8)
        input.append(contentsOf: [0xFF, 0xFE, 0x41])
        input.append(Data(",1,2\n".utf8))
        let (result, _, dir) = try run(input)
        #expect(result.status == 0, "\(result.stderr)")
        var expected = Data("id,y0,y1\n".utf8)
        expected.append(contentsOf: [0xFF, 0xFE, 0x41])
        expected.append(Data(",5.0,1.0\n".utf8))
        try expectSameBytes(dir.read("out.csv"), expected)
    }

    @Test("last row without a line end; blank lines are not rows")
    func lastRowAndBlankLines() throws {
        let (result, text, _) = try run(Data("id,x1,x2\n\na,1,2\n\nb,3,4".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(text == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
    }

    /// Numeric rows, which the reader cuts at line feeds, with quoted and blank stretches between
    /// them, which it scans record by record; `bad`: the line of a row whose x1 is not a number.
    static func mixedRows(bad: Int? = nil) -> (input: String, output: String) {
        var input = "id,x1,x2\n"
        var output = "id,y0,y1\n"
        var line = 2
        for i in 1...3000 {
            var id = "r\(i)"
            if i % 500 == 0 {
                input += "\n\r\n"
                line += 2
            }
            if i % 700 == 0 { id = "\"r\(i)\nnext\"" }
            let x1 = line == bad ? "x" : "\(i)"
            input += "\(id),\(x1),\(i % 7)" + (i % 300 == 0 ? "\r\n" : "\n")
            output += "\(id),\(Double(i + 2 * (i % 7))),\(Double(i))\n"
            line += id.contains("\n") ? 2 : 1
        }
        return (input, output)
    }

    @Test("numeric rows cut at line feeds between quoted and blank stretches: every row once, in order, at its line",
          arguments: [1, 2])
    func mixedStretches(workers: Int) throws {
        let rows = Self.mixedRows()
        for chunkRows in [7, 256, 8192] {
            let (result, text, _) = try run(Data(rows.input.utf8),
                                            extraArgs: ["--workers", "\(workers)", "--set=execution.chunk_rows=\(chunkRows)"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(text == rows.output, "chunk_rows \(chunkRows)")
        }
        // Line 2,345 (row 2,333) lies in a numeric stretch after three quoted records and eight blank lines.
        let bad = Self.mixedRows(bad: 2345)
        let (result, _, _) = try run(Data(bad.input.utf8), extraArgs: ["--workers", "\(workers)", "--set=execution.chunk_rows=100"])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(mentionsLine(result.stderr, file: "in.csv", line: 2345), "\(result.stderr)")
    }

    @Test("a header-only file gives a header-only output")
    func headerOnly() throws {
        let (result, text, _) = try run(Data("id,x1,x2\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(text == "id,y0,y1\n")
        #expect(result.stderr.contains("0 rows read"))
    }

    @Test("semicolon delimiter, columns in any order, feature also carried")
    func delimiterAndOrder() throws {
        let (result, text, _) = try run(Data("x2;id;x1\n2;a;1\n".utf8), carry: ["x1", "id"], extraRead: "      delimiter: \";\"")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(text == "x1,id,y0,y1\n1,a,5.0,1.0\n")
    }

    @Test("no header: columns by 0-based index; gzip output by suffix")
    func headerless() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "a,1,2\nb,3,4\n")
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read: {path: in.csv, header: false, features: [1, 2], carry: [0]}
              - forward: {model: m.json}
              - write: {path: out.csv.gz, columns: [total, first]}
            """)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        let text = String(decoding: try Shell.run("gzip -dc out.csv.gz", in: dir.url), as: UTF8.self)
        #expect(text == "c0,total,first\na,5.0,1.0\nb,11.0,3.0\n")
        #expect(try dir.read("out.csv.gz").prefix(2) == Data([0x1F, 0x8B]))
    }

    /// A pipeline as a stage of a line-oriented host (a Spark partition through RDD.pipe, `xargs`,
    /// a shell loop): headerless records on standard input, headerless results on standard output.
    static let headerlessStdioPipeline = """
        stages:
          - read: {path: "-", header: false, features: [1, 2], carry: [0]}
          - forward: {model: m.json}
          - write: {path: "-", header: false}
        """

    @Test("no header, standard input to standard output: bare lines in, bare lines out, the last line without a line end")
    func headerlessStdio() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", Self.headerlessStdioPipeline)
        let result = try dir.nnpipe("run", "p.yaml", "--workers", "1", stdin: Data("a,1,2\nb,3,4".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "a,5.0,1.0\nb,11.0,3.0\n")
    }

    @Test("no header, standard input to standard output: an empty input (an empty Spark partition) or blank lines give an empty output and status 0",
          arguments: ["", "\n", "\r\n\n"])
    func headerlessEmptyStdin(input: String) throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", Self.headerlessStdioPipeline)
        let result = try dir.nnpipe("run", "p.yaml", "--workers", "1", stdin: Data(input.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("0 rows read, 0 written"), "\(result.stderr)")
    }

    @Test("fixed decimals")
    func decimals() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,0.123456,0\n")
        try dir.writeSumPipeline(input: "in.csv", output: "-",
                                              extraWrite: "      decimals: 3")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.stdoutText == "id,y0,y1\na,0.123,0.123\n")
    }

    @Test("inline layers and two forward stages in sequence")
    func inlineAndChained() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.write("p.yaml", """
            stages:
              - read: {path: in.csv, features: [x1, x2], carry: [id]}
              - forward:
                  layers:
                    - weights: [[1, 1], [2, 0]]
                      bias: [0, 0]
                      activation: identity
              - forward:
                  layers:
                    - {weights: [[1], [-1]], bias: [0.5], activation: linear}
              - write: {path: "-"}
            """)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "id,y0\na,4.5\n")
    }
}

@Suite("Gzip output")
struct GzipOutputTests {
    @Test("every level (ISA-L at 1–3, zlib at 4–9) decompresses to the plain output", arguments: [1, 2, 3, 4, 6, 9])
    func levels(level: Int) throws {
        let dir = try WorkDir()
        let folder = CLI.fixture("golden/wide")
        let features = (0..<32).map { "x\($0)" }
        for (output, extra) in [("plain.csv", ""), ("out.csv.gz", "      gzip_level: \(level)")] {
            try dir.write("p.yaml", pipelineYAML(input: folder.appendingPathComponent("input.csv").path,
                                                  model: folder.appendingPathComponent("model.json").path,
                                                  features: features, output: output, extraWrite: extra,
                                                  execution: "execution:\n  chunk_rows: 100"))
            let result = try dir.nnpipe("run", "p.yaml")
            #expect(result.status == 0, "\(result.stderr)")
        }
        let plain = try dir.read("plain.csv")
        let compressed = try dir.read("out.csv.gz")
        #expect(compressed.prefix(2) == Data([0x1F, 0x8B]))
        #expect(compressed.count < plain.count / 2)
        try expectSameBytes(Shell.run("gzip -dc out.csv.gz", in: dir.url), plain)
        try expectSameBytes(Shell.run("python3 -c 'import gzip,sys; sys.stdout.buffer.write(gzip.open(\"out.csv.gz\").read())'", in: dir.url), plain)
    }
}

@Suite("Output paths")
struct OutputPathTests {
    @Test("a missing output folder is created")
    func createsFolders() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out/2026-11-25/scores.csv")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out/2026-11-25/scores.csv") == "id,y0,y1\na,5.0,1.0\n")
    }

    @Test("an output that cannot be created: status 73, one line naming it")
    func cannotCreate() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: "in.csv/out.csv")
        let result = try dir.nnpipe("run", "p.yaml", "--quiet")
        #expect(result.status == 73)
        #expect(result.stderr.hasPrefix("nnpipe: p.yaml:10:13: stages[2].write.path: the output in.csv/out.csv: cannot create its folder"),
                "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try dir.listing() == ["in.csv", "m.json", "p.yaml"])
    }
}
