import Foundation
import Testing

/// One wrong `tests:` section: what the message must say, and the line it must name.
struct TestsSectionCase: CustomTestStringConvertible, Sendable {
    var name: String
    /// The section, starting at its `tests:` line.
    var yaml: String
    var expected: [String]
    /// Line within `yaml` (1 = the `tests:` line) that the message must name.
    var line: Int
    var testDescription: String { name }
}

let testsSectionCases: [TestsSectionCase] = [
    TestsSectionCase(name: "a row narrower than the features", yaml: """
        tests:
          - name: short
            rows: [[1, 2], [3]]
            expect: [[5, 1], [3, 3]]
        """, expected: ["tests[0].rows[1]", "has 1 values but read.features lists 2 columns"], line: 3),
    TestsSectionCase(name: "an expectation wider than the outputs", yaml: """
        tests:
          - name: wide
            rows: [[1, 2]]
            expect:
              - [5, 1, 0]
        """, expected: ["tests[0].expect[0]", "has 3 values but the pipeline writes 2 columns after the carried ones"], line: 5),
    TestsSectionCase(name: "fewer expectations than rows", yaml: """
        tests:
          - name: count
            rows: [[1, 2], [3, 4]]
            expect: [[5, 1]]
        """, expected: ["tests[0].expect", "lists 1 rows of expected values for 2 input rows"], line: 4),
    TestsSectionCase(name: "a map row with a column that is not a feature", yaml: """
        tests:
          - name: named
            rows:
              - {x1: 1, x3: 2}
            expect: [[5, 1]]
        """, expected: ["tests[0].rows[0].x3", "unknown key 'x3'", "did you mean 'x1'?", "missing required key 'x2'"], line: 4),
    TestsSectionCase(name: "a test without a name", yaml: """
        tests:
          - rows: [[1, 2]]
            expect: [[5, 1]]
        """, expected: ["tests[0]", "missing required key 'name'"], line: 2),
    TestsSectionCase(name: "two tests of one name", yaml: """
        tests:
          - {name: twice, rows: [[1, 2]], expect: [[5, 1]]}
          - {name: twice, rows: [[1, 2]], expect: [[5, 1]]}
        """, expected: ["tests[1].name", "another test is named 'twice'"], line: 3),
    TestsSectionCase(name: "a negative tolerance", yaml: """
        tests:
          - name: loose
            rows: [[1, 2]]
            expect: [[5, 1]]
            tolerance: {absolute: -1}
        """, expected: ["tests[0].tolerance.absolute", "a tolerance must not be negative"], line: 5),
    TestsSectionCase(name: "a value that is not a number", yaml: """
        tests:
          - name: text
            rows: [[1, two]]
            expect: [[5, 1]]
        """, expected: ["tests[0].rows[0][1]", "expected a number, found 'two'"], line: 3),
]

@Suite("Pipeline self-tests: nnpipe test")
struct SelfTestTests {
    /// The sum pipeline (y0 = x1 + 2·x2, y1 = x1) with `tests` appended; returns the line the
    /// section starts on.
    func sumPipeline(_ dir: WorkDir, tests: String) throws -> Int {
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        let head = try dir.text("p.yaml") + "\n"
        try dir.write("p.yaml", head + tests + "\n")
        return head.split(separator: "\n", omittingEmptySubsequences: false).count
    }

    @Test("every example pipeline passes its tests")
    func examples() throws {
        let dir = try WorkDir()
        let paths = ExamplePipelineTests.pipelines.map { CLI.repoRoot.appendingPathComponent("pipelines/\($0)").path }
        let result = try CLI.run(["test"] + paths, in: dir.url)
        #expect(result.status == 0, "\(result.stdoutText)\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n")
        let seed = paths.first { $0.hasSuffix("/seed.yaml") } ?? "seed.yaml"
        #expect(lines.contains("PASS \(seed): the seed's own row"), "\(result.stdoutText)")
        #expect(lines.count >= 2 * paths.count)
        #expect(lines.allSatisfy { $0.hasPrefix("PASS ") }, "\(result.stdoutText)")
        for path in paths {
            #expect(result.stderr.contains("nnpipe: \(path): "), "\(result.stderr)")
        }
        #expect(!result.stderr.contains(" 0 passed"))
    }

    @Test("a wrong expectation fails with the row, column, both values and the tolerance; status 1")
    func failing() throws {
        let dir = try WorkDir()
        _ = try sumPipeline(dir, tests: """
            tests:
              - name: right
                rows: [[1, 2], {x1: -3, x2: 0.5}]
                expect: [[5, 1], [-2, -3]]
                tolerance: 0
              - name: wrong on purpose
                rows: [[1, 2], [3, 4]]
                expect: [[5, 1], [11, 2.5]]
            """)
        let result = try dir.nnpipe("test", "p.yaml")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdoutText == """
            PASS p.yaml: right
            FAIL p.yaml: wrong on purpose: row 2 column 2 (y1) expected 2.5 got 3.0 (tolerance \(1e-9 + 1e-9 * 2.5))

            """)
        #expect(result.stderr == "nnpipe: p.yaml: 1 passed, 1 failed\n")
    }

    @Test("a tolerance wide enough passes; the count of differing values is given")
    func tolerance() throws {
        let dir = try WorkDir()
        _ = try sumPipeline(dir, tests: """
            tests:
              - {name: loose, rows: [[1, 2]], expect: [[5.01, 1.01]], tolerance: {absolute: 0.02, relative: 0}}
              - {name: tight, rows: [[1, 2]], expect: [[5.01, 1.01]], tolerance: 1e-3}
            """)
        let result = try dir.nnpipe("test", "p.yaml")
        #expect(result.status == 1)
        let lines = result.stdoutText.split(separator: "\n")
        #expect(lines.first == "PASS p.yaml: loose")
        #expect(lines.last?.hasPrefix("FAIL p.yaml: tight: row 1 column 1 (y0) expected 5.01 got 5.0 (tolerance ") == true)
        #expect(lines.last?.hasSuffix("; 1 more value differ") == true, "\(result.stdoutText)")
    }

    @Test("without a header, map rows name the features by index; column names come from write.columns")
    func headerless() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read: {path: "-", header: false, features: [2, 0]}
              - forward: {model: m.json}
              - write: {path: "-", columns: [total, first]}
            tests:
              - {name: by index, rows: [{2: 1, 0: 2}], expect: [[5, 1]]}
              - {name: named output, rows: [[1, 2]], expect: [[5, 0]]}
            """)
        let result = try dir.nnpipe("test", "p.yaml")
        #expect(result.status == 1)
        #expect(result.stdoutText.hasPrefix("PASS p.yaml: by index\nFAIL p.yaml: named output: row 1 column 2 (first) expected 0.0 got 1.0 "))
    }

    @Test("class labels are compared as text; numbers beside them within the tolerance")
    func labels() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read: {path: in.csv, features: [x1, x2]}
              - forward: {model: m.json}
              - argmax: {labels: [big, small]}
              - write: {path: out.csv}
            tests:
              - {name: right, rows: [[1, 2], [2, -1]], expect: [[big, 5], ["small", 2]]}
              - {name: wrong label, rows: [[1, 2], [2, -1]], expect: [[big, 5], [big, 2]]}
            """)
        let result = try dir.nnpipe("test", "p.yaml")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdoutText == "PASS p.yaml: right\nFAIL p.yaml: wrong label: row 2 column 1 (class) expected \"big\" got \"small\"\n")
    }

    @Test("a label holding a line break is one value of its row, as in a run's output")
    func labelWithLineBreak() throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read: {path: in.csv, features: [x1, x2]}
              - forward: {model: m.json}
              - argmax: {labels: ["two\\nlines", small]}
              - write: {path: out.csv}
            tests:
              - {name: break, rows: [[1, 2], [2, -1]], expect: [["two\\nlines", 5], [small, 2]]}
            """)
        let result = try dir.nnpipe("test", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "PASS p.yaml: break\n")
    }

    @Test("a wrong tests section is a config error (78) from test, validate and run", arguments: testsSectionCases)
    func wrongSection(_ c: TestsSectionCase) throws {
        let dir = try WorkDir()
        let first = try sumPipeline(dir, tests: c.yaml)
        for command in ["test", "validate", "run"] {
            let result = try dir.nnpipe(command, "p.yaml")
            #expect(result.status == 78, "\(command): \(result.stderr)")
            for words in c.expected {
                #expect(result.stderr.contains(words), "\(command): missing '\(words)' in: \(result.stderr)")
            }
            #expect(result.stderr.contains("p.yaml:\(first + c.line - 1):"), "\(command): no line in: \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(!dir.exists("out.csv"))
        }
    }

    @Test("test on a pipeline without tests is a config error; run does not need them")
    func noTests() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        let result = try dir.nnpipe("test", "p.yaml")
        #expect(result.status == 78)
        #expect(result.stderr == "nnpipe: p.yaml: tests: the pipeline has no tests (add a tests: section)\n")
        #expect(try dir.nnpipe("run", "p.yaml").status == 0)
    }
}
