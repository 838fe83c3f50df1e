import Foundation
import Testing

/// One bad pipeline file: what the message must say, and on which line.
struct ConfigCase: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    /// Words the message must hold (key path, the problem, a suggestion).
    var expected: [String]
    /// `p.yaml:LINE` must appear in the message.
    var line: Int?
    var status: Int32 = 78
    var testDescription: String { name }
}

let goodRead = """
    stages:
      - read:
          path: in.csv
          features: [x1, x2]
          carry: [id]
    """

let configCases: [ConfigCase] = [
    ConfigCase(name: "typo in a key suggests the nearest", yaml: """
        stages:
          - read:
              path: in.csv
              featrues: [x1, x2]
          - forward: {model: m.json}
          - write: {path: out.csv}
        """, expected: ["stages[0].read.featrues", "unknown key 'featrues'", "did you mean 'features'?",
                        "missing required key 'features'"], line: 4),
    ConfigCase(name: "unknown top-level key", yaml: goodRead + """

          - forward: {model: m.json}
          - write: {path: out.csv}
        exectuion:
          workers: 2
        """, expected: ["exectuion", "did you mean 'execution'?"], line: 8),
    ConfigCase(name: "missing stages", yaml: "execution:\n  workers: 2\n", expected: ["missing required key 'stages'"], line: 1),
    ConfigCase(name: "wrong type for chunk_rows", yaml: goodRead + """

          - forward: {model: m.json}
          - write: {path: out.csv}
        execution:
          chunk_rows: many
        """, expected: ["execution.chunk_rows", "expected an integer, found 'many'"], line: 9),
    ConfigCase(name: "impossible workers", yaml: goodRead + """

          - forward: {model: m.json}
          - write: {path: out.csv}
        execution:
          workers: 0
        """, expected: ["execution.workers", "0 is out of range 1...1024"], line: 9),
    ConfigCase(name: "no write stage", yaml: goodRead + "\n  - forward: {model: m.json}\n",
               expected: ["stages", "the last stage must be a write stage"], line: 2),
    ConfigCase(name: "no forward stage", yaml: goodRead + "\n  - write: {path: out.csv}\n",
               expected: ["stages", "at least one forward stage"], line: 2),
    ConfigCase(name: "write not last", yaml: """
        stages:
          - read: {path: in.csv, features: [x1, x2]}
          - write: {path: out.csv}
          - forward: {model: m.json}
        """, expected: ["stages[1].write", "the write stage must be the last stage"], line: 3),
    ConfigCase(name: "unknown stage kind", yaml: goodRead + """

          - predict: {model: m.json}
          - write: {path: out.csv}
        """, expected: ["stages[1].predict", "unknown key 'predict'"], line: 6),
    ConfigCase(name: "model shape does not fit the features", yaml: """
        stages:
          - read: {path: in.csv, features: [x1]}
          - forward: {model: m.json}
          - write: {path: out.csv}
        """, expected: ["stages[1].forward", "takes 2 inputs but read.features lists 1 columns"], line: 3),
    ConfigCase(name: "model file missing", yaml: goodRead + """

          - forward: {model: nowhere.json}
          - write: {path: out.csv}
        """, expected: ["stages[1].forward.model", "nowhere.json", "model file not found"], line: 6),
    ConfigCase(name: "inline layers that do not chain", yaml: goodRead + """

          - forward:
              layers:
                - {weights: [[1, 2], [3, 4]], bias: [0, 0], activation: relu}
                - {weights: [[1], [2], [3]], bias: [0], activation: relu}
          - write: {path: out.csv}
        """, expected: ["layers[1].weights", "takes 3 inputs (rows) but the layer before has 2 units"], line: 9),
    ConfigCase(name: "inline bias of the wrong length", yaml: goodRead + """

          - forward:
              layers:
                - {weights: [[1, 2], [3, 4]], bias: [0], activation: relu}
          - write: {path: out.csv}
        """, expected: ["layers[0].bias", "has 1 values but weights have 2 units"], line: 8),
    ConfigCase(name: "unknown activation", yaml: goodRead + """

          - forward:
              layers:
                - {weights: [[1], [3]], bias: [0], activation: sigmod}
          - write: {path: out.csv}
        """, expected: ["activation", "unknown activation 'sigmod'"], line: 8),
    ConfigCase(name: "not a number in weights", yaml: goodRead + """

          - forward:
              layers:
                - {weights: [[1], [x]], bias: [0], activation: relu}
          - write: {path: out.csv}
        """, expected: ["weights[1][0]", "expected a number, found 'x'"], line: 8),
    ConfigCase(name: "gzip level out of range", yaml: goodRead + """

          - forward: {model: m.json}
          - write: {path: out.csv.gz, gzip_level: 11}
        """, expected: ["write.gzip_level", "11 is out of range 1...9"], line: 7),
    ConfigCase(name: "bad compression choice", yaml: goodRead + """

          - forward: {model: m.json}
          - write: {path: out.csv, compression: gzp}
        """, expected: ["write.compression", "'gzp' is not one of auto, gzip, zstd, none", "did you mean 'gzip'?"], line: 7),
    ConfigCase(name: "zstd level out of range", yaml: goodRead + """

          - forward: {model: m.json}
          - write: {path: out.csv.zst, zstd_level: 20}
        """, expected: ["write.zstd_level", "20 is out of range 1...19"], line: 7),
    ConfigCase(name: "columns count does not fit the outputs", yaml: goodRead + """

          - forward: {model: m.json}
          - write: {path: out.csv, columns: [a, b, c]}
        """, expected: ["write.columns", "names 3 columns but the pipeline writes 2 after the carried ones"]),
    ConfigCase(name: "column listed twice", yaml: """
        stages:
          - read: {path: in.csv, features: [x1, x1]}
          - forward: {model: m.json}
          - write: {path: out.csv}
        """, expected: ["features[1]", "\"x1\" is listed twice"], line: 2),
    ConfigCase(name: "names without a header", yaml: """
        stages:
          - read: {path: in.csv, header: false, features: [x1, 2]}
          - forward: {model: m.json}
          - write: {path: out.csv}
        """, expected: ["features[0]", "0-based indices; found 'x1'"], line: 2),
    ConfigCase(name: "bad delimiter", yaml: """
        stages:
          - read: {path: in.csv, features: [x1, x2], delimiter: ";;"}
          - forward: {model: m.json}
          - write: {path: out.csv}
        """, expected: ["read.delimiter", "one ASCII character"], line: 2),
    ConfigCase(name: "unquoted - for standard output", yaml: goodRead + """

          - forward: {model: m.json}
          - write:
              path: -
        """, expected: ["YAML syntax error", "quote it: path: \"-\""], line: 8),
    ConfigCase(name: "YAML syntax error", yaml: "stages:\n  - read: {path: in.csv\n  - write: x\n",
               expected: ["YAML syntax error"], line: 3),
    ConfigCase(name: "reject policy without a rejects file", yaml: goodRead + """

          - forward: {model: m.json}
          - write: {path: out.csv}
        errors:
          policy: reject
        """, expected: ["errors", "needs a rejects file"], line: 9),
    ConfigCase(name: "feature column not in the input", yaml: """
        stages:
          - read: {path: in.csv, features: [x1, x9]}
          - forward: {model: m.json}
          - write: {path: out.csv}
        """, expected: ["in.csv:1", "feature column \"x9\"", "p.yaml:2", "columns present: \"id\", \"x1\", \"x2\""],
        status: 65),
]

@Suite("Pipeline file errors name the key path and line, and write nothing")
struct ConfigErrorTests {
    @Test(arguments: configCases)
    func configError(_ c: ConfigCase) throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", c.yaml)
        for command in ["run", "validate"] {
            let result = try dir.nnpipe(command, "p.yaml")
            #expect(result.status == c.status, "\(command): \(result.stderr)")
            for words in c.expected {
                #expect(result.stderr.contains(words), "\(command): missing '\(words)' in: \(result.stderr)")
            }
            if let line = c.line {
                #expect(result.stderr.contains("p.yaml:\(line)"), "\(command): no line \(line) in: \(result.stderr)")
            }
            #expect(result.stdout.isEmpty)
            #expect(try dir.listing() == ["in.csv", "m.json", "p.yaml"], "\(command) left files behind")
        }
    }

    @Test("an unknown --on-error value is a usage error")
    func usageError() throws {
        let dir = try WorkDir()
        let result = try dir.nnpipe("run", "p.yaml", "--on-error", "ignore")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--on-error must be fail, skip or reject"))
    }

    @Test("a missing pipeline file")
    func missingPipeline() throws {
        let dir = try WorkDir()
        let result = try dir.nnpipe("run", "nowhere.yaml")
        #expect(result.status == 78)
        #expect(result.stderr.contains("nowhere.yaml: pipeline file not found"))
    }
}
