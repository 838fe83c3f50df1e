import Foundation
import Testing

/// Several inputs in one run: glob patterns and lists, one header check across files, one output
/// or one per input by a name template, and messages and rejects that name the file.
@Suite("Many input files")
struct MultiFileTests {
    /// Three days' parts (written out of order, one gzipped) and the sum model's pipeline.
    func parts() throws -> WorkDir {
        let dir = try WorkDir()
        try FileManager.default.createDirectory(atPath: dir.path("in"), withIntermediateDirectories: true)
        try dir.write("in/part-2.csv", "id,x1,x2\n3,3,1\n4,4,1\n")
        try dir.write("in/part-1.csv", "id,x1,x2\n1,1,1\n2,2,1\n")
        try dir.write("in/part-3.csv", "id,x1,x2\n5,5,1\n")
        try Shell.run("gzip in/part-3.csv", in: dir.url)
        try dir.write("in/notes.txt", "not an input\n")
        return dir
    }

    @Test("a glob pattern reads the matches in sorted order into one output, with one header")
    func globIntoOneOutput() throws {
        let dir = try parts()
        try dir.writeSumPipeline(input: "in/part-*.csv*", output: "out.csv")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == "id,y0,y1\n1,3.0,1.0\n2,4.0,2.0\n3,5.0,3.0\n4,6.0,4.0\n5,7.0,5.0\n")
        #expect(result.stderr.contains("5 rows read, 5 written"), "\(result.stderr)")
    }

    @Test("a list of inputs is read in the order listed")
    func listedInputs() throws {
        let dir = try parts()
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read: {path: [in/part-2.csv, in/part-1.csv], features: [x1, x2], carry: [id]}
              - forward: {model: m.json}
              - write: {path: out.csv, header: false}
            """)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == "3,5.0,3.0\n4,6.0,4.0\n1,3.0,1.0\n2,4.0,2.0\n")
    }

    @Test("a name template writes one output per input")
    func nameTemplate() throws {
        let dir = try parts()
        try dir.writeSumPipeline(input: "in/part-*", output: "out/{stem}.scored.csv")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out/part-1.scored.csv") == "id,y0,y1\n1,3.0,1.0\n2,4.0,2.0\n")
        #expect(try dir.text("out/part-2.scored.csv") == "id,y0,y1\n3,5.0,3.0\n4,6.0,4.0\n")
        #expect(try dir.text("out/part-3.scored.csv") == "id,y0,y1\n5,7.0,5.0\n")
        #expect(result.stderr.contains("5 rows read, 5 written"), "\(result.stderr)")
    }

    @Test("a file whose header differs stops the run, naming it; nothing is written")
    func headerMismatch() throws {
        let dir = try parts()
        try dir.write("in/part-4.csv", "id,x2,x1\n6,1,1\n")
        try dir.writeSumPipeline(input: "in/part-*", output: "out.csv")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 65)
        #expect(result.stderr.contains("in/part-4.csv:1: the header differs from the first input's (in/part-1.csv): found id,x2,x1, expected id,x1,x2"),
                "\(result.stderr)")
        #expect(!dir.exists("out.csv"))
    }

    @Test("bad rows name their file and line, in messages and in the rejects file")
    func badRowsNameTheFile() throws {
        let dir = try parts()
        try dir.write("in/part-2.csv", "id,x1,x2\n3,3,1\n4,oops,1\n")
        try dir.writeSumPipeline(input: "in/part-*", output: "out.csv")
        let failed = try dir.nnpipe("run", "p.yaml")
        #expect(failed.status == 65)
        #expect(failed.stderr.contains("in/part-2.csv: line 3, field 2 (\"x1\")"), "\(failed.stderr)")

        try dir.write("p.yaml", try dir.text("p.yaml") + "\nerrors: {policy: reject, rejects: rejects.csv}\n")
        let rejected = try dir.nnpipe("run", "p.yaml")
        #expect(rejected.status == 0, "\(rejected.stderr)")
        let rejects = try dir.text("rejects.csv")
        #expect(rejects.hasPrefix("file,line,reason,record\nin/part-2.csv,3,"), "\(rejects)")
        #expect(try dir.text("out.csv").split(separator: "\n").count == 5)
    }

    @Test("input and template mistakes", arguments: [
        ("in/nothing-*.csv", "out.csv", 66, "in/nothing-*.csv: no file matches the pattern"),
        ("in/part-*", "out/{date}.csv", 78, "takes {stem} and {name} only"),
        ("in/part-*", "out/result.csv.{stem}", 0, "5 rows read"),
        ("\"-\"", "out/{stem}.csv", 78, "needs input files, not standard input"),
    ])
    func mistakes(input: String, output: String, status: Int32, phrase: String) throws {
        let dir = try parts()
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read: {path: \(input.hasPrefix("\"") ? input : "\"\(input)\""), features: [x1, x2], carry: [id]}
              - forward: {model: m.json}
              - write: {path: "\(output)"}
            """)
        let result = try dir.nnpipe("run", "p.yaml", stdin: Data("id,x1,x2\n1,1,1\n".utf8))
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(phrase), "\(result.stderr)")
    }

    @Test("two inputs with the same stem cannot share an output")
    func templateCollision() throws {
        let dir = try parts()
        try dir.write("in/part-1.tsv", "id,x1,x2\n9,9,9\n")
        try dir.writeSumPipeline(input: "in/part-1.*", output: "out/{stem}.csv")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 78)
        #expect(result.stderr.contains("in/part-1.csv and in/part-1.tsv would both be written to out/part-1.csv"), "\(result.stderr)")
        #expect(!dir.exists("out/part-1.csv"))
    }

    @Test("the same collision from a --output template is a usage error (64)")
    func templateCollisionOnTheCommandLine() throws {
        let dir = try parts()
        try dir.write("in/part-1.tsv", "id,x1,x2\n9,9,9\n")
        try dir.writeSumPipeline(input: "in/part-1.*", output: "out.csv")
        let result = try dir.nnpipe("run", "p.yaml", "--output", "out/{stem}.csv")
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("nnpipe: --output out/{stem}.csv: in/part-1.csv and in/part-1.tsv would both be written to out/part-1.csv"),
                "\(result.stderr)")
        #expect(!dir.exists("out/part-1.csv"))
    }
}
