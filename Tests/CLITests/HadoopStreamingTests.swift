import Foundation
import Testing

@Suite("Hadoop Streaming: headerless standard input to standard output, counters on standard error")
struct HadoopStreamingTests {
    /// A mapper pipeline: tab-separated records without a header in, bare tab-separated lines out.
    func mapper(_ dir: WorkDir, errors: String = "") throws {
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read: {path: "-", header: false, delimiter: "\\t", features: [1, 2], carry: [0]}
              - forward: {model: m.json}
              - write: {path: "-", header: false, delimiter: "\\t"}
            \(errors)
            """)
    }

    func counters(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.hasPrefix("reporter:") }.map(String.init)
    }

    @Test("bare lines in, bare lines out, in order; the last record may lack its line end")
    func headerlessStdinStdout() throws {
        let dir = try WorkDir()
        try mapper(dir)
        let result = try dir.nnpipe("run", "p.yaml", "--chunk-rows", "2", stdin: Data("a\t1\t2\nb\t3\t4\nc\t0.5\t-1".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "a\t5.0\t1.0\nb\t11.0\t3.0\nc\t-1.5\t0.5\n")
        #expect(counters(result.stderr).isEmpty)
    }

    @Test("--hadoop-counters reports rows read, written, skipped and rejected, also with --quiet")
    func counterLines() throws {
        let dir = try WorkDir()
        try mapper(dir, errors: "errors: {policy: skip}")
        let result = try dir.nnpipe("run", "p.yaml", "--hadoop-counters", "--quiet",
                                    stdin: Data("a\t1\t2\nb\tx\t4\nc\t3\t4\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "a\t5.0\t1.0\nc\t11.0\t3.0\n")
        #expect(result.stderr == """
            nnpipe: warning: 1 row skipped of 3 read
            reporter:counter:nnpipe,ROWS_READ,3
            reporter:counter:nnpipe,ROWS_WRITTEN,2
            reporter:counter:nnpipe,ROWS_SKIPPED,1
            reporter:counter:nnpipe,ROWS_REJECTED,0
            reporter:counter:nnpipe,ROWS_DISCARDED,0

            """)
    }

    @Test("rejected rows are counted")
    func rejected() throws {
        let dir = try WorkDir()
        try mapper(dir, errors: "errors: {policy: reject, rejects: rejects.csv}")
        let result = try dir.nnpipe("run", "p.yaml", "--hadoop-counters", stdin: Data("a\t1\t2\nb\t1\nc\t3\t4\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(counters(result.stderr) == ["reporter:counter:nnpipe,ROWS_READ,3", "reporter:counter:nnpipe,ROWS_WRITTEN,2",
                                            "reporter:counter:nnpipe,ROWS_SKIPPED,0", "reporter:counter:nnpipe,ROWS_REJECTED,1",
                                            "reporter:counter:nnpipe,ROWS_DISCARDED,0"])
        #expect(result.stderr.contains("nnpipe: done: 3 rows read"))
    }

    @Test("a failed run reports its counts up to the failure, after the error")
    func failedRun() throws {
        let dir = try WorkDir()
        try mapper(dir)
        let result = try dir.nnpipe("run", "p.yaml", "--hadoop-counters", stdin: Data("a\t1\t2\nb\tx\t4\nc\t3\t4\n".utf8))
        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first?.hasPrefix("nnpipe: <stdin>: line 2, field 2") == true, "\(result.stderr)")
        #expect(counters(result.stderr) == ["reporter:counter:nnpipe,ROWS_READ,2", "reporter:counter:nnpipe,ROWS_WRITTEN,1",
                                            "reporter:counter:nnpipe,ROWS_SKIPPED,0", "reporter:counter:nnpipe,ROWS_REJECTED,0",
                                            "reporter:counter:nnpipe,ROWS_DISCARDED,0"])
    }
}
