import Foundation
import Testing

/// Ten anchors, each a list of ten aliases to the one before: 10^10 nodes once expanded, from a
/// few hundred bytes ("billion laughs").
let billionLaughs = (1...9).map { level in
    "x\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]"
}.joined(separator: "\n")

@Suite("Hostile pipeline files: limits, each a 78 naming it, in bounded time")
struct ConfigLimitTests {
    /// A pipeline whose read stage carries `extraRead` (indented six spaces) and whose file ends with `tail`.
    func pipeline(path: String = "in.csv", features: String = "[x1, x2]", tail: String = "") -> String {
        """
        stages:
          - read:
              path: \(path)
              features: \(features)
          - forward: {model: m.json}
          - write: {path: out.csv}
        \(tail)
        """
    }

    func workDir() throws -> WorkDir {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.write("m.json", sumModel)
        return dir
    }

    @Test("50,000 nested ${A:-${A:-…}} are refused at 32 levels, not a stack overflow")
    func deepInterpolation() throws {
        let dir = try workDir()
        let depth = 50_000
        let value = String(repeating: "${NNT_A:-", count: depth) + "in.csv" + String(repeating: "}", count: depth)
        try dir.write("p.yaml", pipeline(path: value))
        for command in ["run", "validate"] {
            let result = try dir.nnpipe(within: 20, command, "p.yaml")
            #expect(result.status == 78, "\(command): \(result.status) \(result.stderr.prefix(500))")
            #expect(result.stderrLines.count == 1, "\(command): \(result.stderr.prefix(500))")
            #expect(result.stderr.hasPrefix("nnpipe: p.yaml:3:13: stages[0].read.path: more than 32 expansions nested inside one another"),
                    "\(command): \(result.stderr.prefix(500))")
            #expect(!dir.exists("out.csv"))
        }
    }

    @Test("32 nested expansions are allowed, 33 are not")
    func depthLimitEdge() throws {
        let dir = try workDir()
        func nested(_ depth: Int) -> String {
            "\"" + String(repeating: "${NNT_A:-", count: depth) + "in.csv" + String(repeating: "}", count: depth) + "\""
        }
        try dir.write("p.yaml", pipeline(path: nested(32)))
        let allowed = try dir.nnpipe(within: 20, "run", "p.yaml")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        try dir.write("p.yaml", pipeline(path: nested(33)))
        let refused = try dir.nnpipe(within: 20, "run", "p.yaml")
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("32 is the limit"), "\(refused.stderr)")
    }

    @Test("billion laughs in a value: refused before it is expanded, naming the limit and the alias's line")
    func aliasAmplification() throws {
        let dir = try workDir()
        try dir.write("p.yaml", pipeline(features: "*l9", tail: "x0: &l0 [a]\n" + billionLaughs))
        let result = try dir.nnpipe(within: 20, "validate", "p.yaml")
        #expect(result.status == 78, "\(result.status) \(result.stderr.prefix(500))")
        #expect(result.stderrLines.count == 1, "\(result.stderr.prefix(2000))")
        #expect(result.stderr.contains("aliases (*name) expand the file past 100000 YAML nodes, the limit for its size"),
                "\(result.stderr.prefix(500))")
        #expect(result.stderr.hasPrefix("nnpipe: p.yaml:"), "\(result.stderr.prefix(500))")
    }

    @Test("billion laughs as a mapping key (which YAML hashes while reading) is refused too")
    func aliasAmplificationInKey() throws {
        let dir = try workDir()
        try dir.write("p.yaml", "x0: &l0 [a]\n" + billionLaughs + "\nx10: {? *l9 : 1}\n" + pipeline())
        let result = try dir.nnpipe(within: 20, "validate", "p.yaml")
        #expect(result.status == 78, "\(result.status) \(result.stderr.prefix(500))")
        #expect(result.stderr.contains("expand the file past 100000 YAML nodes"), "\(result.stderr.prefix(500))")
    }

    @Test("an alias used as YAML means it (shared features and labels) still works")
    func ordinaryAliases() throws {
        let dir = try workDir()
        try dir.write("p.yaml", """
            stages:
              - read:
                  path: in.csv
                  features: &inputs [x1, x2]
                  carry: [id]
              - forward: {model: m.json}
              - write: {path: out.csv, columns: *inputs}
            """)
        let result = try dir.nnpipe(within: 20, "run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == "id,x1,x2\na,5.0,1.0\n")
    }

    @Test("a thousand problems print 20 lines and a count of the rest")
    func errorsCapped() throws {
        let dir = try workDir()
        // Ten aliases of a layer whose 100 weights are not numbers: 1,000 problems, and 3 unknown keys.
        let ten = { (name: String) in "[" + Array(repeating: name, count: 10).joined(separator: ", ") + "]" }
        try dir.write("p.yaml", """
            x0: &v \(ten("a"))
            x1: &w \(ten("*v"))
            x2: &layer {weights: *w, bias: [0], activation: relu}
            stages:
              - read: {path: in.csv, features: [x1, x2]}
              - forward:
                  layers: \(ten("*layer"))
              - write: {path: out.csv}
            """)
        let result = try dir.nnpipe(within: 20, "validate", "p.yaml")
        #expect(result.status == 78)
        let lines = result.stderrLines
        #expect(lines.count == 21, "\(result.stderr.prefix(3000))")
        #expect(lines.first == "nnpipe: p.yaml:1:1: x0: unknown key 'x0'; valid keys: stages, execution, errors, tests",
                "\(result.stderr.prefix(3000))")
        let more = lines.last.flatMap { $0.wholeMatch(of: /nnpipe: and (\d+) more problems/) }.flatMap { Int($0.1) }
        #expect(more == 983, "\(result.stderr.prefix(3000))")
    }

    @Test("21 problems print 20 lines and 'and 1 more problem'; 20 print all 20")
    func errorsCapEdge() throws {
        let dir = try workDir()
        for (count, expectedLines, last) in [(20, 20, nil), (21, 21, "nnpipe: and 1 more problem")] {
            let keys = (1...count).map { "bad_key_\($0): 1" }.joined(separator: "\n")
            try dir.write("p.yaml", pipeline(tail: keys))
            let result = try dir.nnpipe(within: 20, "validate", "p.yaml")
            #expect(result.status == 78)
            #expect(result.stderrLines.count == expectedLines, "\(result.stderr)")
            if let last { #expect(result.stderrLines.last.map(String.init) == last, "\(result.stderr)") }
        }
    }
}
