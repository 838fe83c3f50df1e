import Foundation
import Testing

/// The `threshold` stage through the CLI: against numpy (`scripts/make_golden.py` writes the
/// case under Tests/Fixtures/golden-stages/threshold/: class 1's softmax probability against a
/// cut-off of 0.25), its defaults, and its mistakes with their key paths.
@Suite("threshold stage")
struct ThresholdStageTests {
    @Test("labels and the values kept match numpy")
    func matchesNumpy() throws {
        let dir = try WorkDir()
        let stages = CLI.fixture("golden-stages")
        let folder = stages.appendingPathComponent("threshold")
        // The case's paths are relative to its folder; the pipeline here names them in full.
        let transforms = try String(contentsOf: folder.appendingPathComponent("transforms.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../", with: stages.path + "/")
        let tolerance = try #require(Double(String(contentsOf: folder.appendingPathComponent("tolerance.txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        _ = try dir.write("p.yaml", """
            stages:
              - read:
                  path: "\(stages.appendingPathComponent("input.csv").path)"
                  features: [x0, x1, x2, x3]
                  carry: [id]
            \(transforms)  - write:
                  path: out.csv
            execution:
              chunk_rows: 97
            """)
        let validate = try dir.nnpipe("validate", "p.yaml")
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect((validate.stdoutText + validate.stderr).contains("  threshold value 1 >= 0.25: versicolor, else other, values kept"))
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        let actual = try dir.text("out.csv").split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let expected = try String(contentsOf: folder.appendingPathComponent("expected.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(actual.first == ["id", "y0", "y1", "y2", "y3", "y4", "label"])
        #expect(actual.first == expected.first)
        try #require(actual.count == expected.count)
        var worst = 0.0
        for (a, e) in zip(actual.dropFirst(), expected.dropFirst()) {
            try #require(a.count == 7 && e.count == 7, "row \(a.first ?? "")")
            #expect(a[0] == e[0] && a[6] == e[6], "row \(e[0]): label \(a[6]), numpy \(e[6])")
            for (x, y) in zip(a[1..<6], e[1..<6]) {
                let got = try #require(Double(x)), want = try #require(Double(y))
                worst = max(worst, abs(got - want))
                #expect(abs(got - want) <= tolerance + tolerance * abs(want), "row \(e[0]): nnpipe \(got), numpy \(want)")
            }
        }
        #expect(Set(actual.dropFirst().map { $0[6] }) == ["other", "versicolor"])
        print("threshold: largest absolute difference from numpy \(worst)")
    }

    @Test("without options: the only value against 0.5, labels 0 and 1, at the cut-off counts as above")
    func defaults() throws {
        let dir = try WorkDir()
        _ = try dir.write("in.csv", "id,p\na,0.2\nb,0.5\nc,0.4999999999999999\nd,0.9\n")
        _ = try dir.write("p.yaml", """
            stages:
              - read: {path: in.csv, features: [p], carry: [id]}
              - forward: {layers: [{weights: [[1]], bias: [0], activation: identity}]}
              - threshold:
              - write: {path: out.csv}
            """)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == "id,label\na,0\nb,1\nc,0\nd,1\n")
    }

    @Test("mistakes are config errors (78) at the stage's key path")
    func mistakes() throws {
        let dir = try WorkDir()
        _ = try dir.write("in.csv", "id,a,b\n1,2,3\n")
        let model = "{layers: [{weights: [[1, 0], [0, 1]], bias: [0, 0], activation: identity}]}"
        let cases: [(stage: String, phrase: String)] = [
            ("threshold: {column: 2}", "stages[2].threshold: column is 2 but the stage before gives 2 values (0-based: 0 to 1)"),
            ("threshold: {cutoff: 0.5}", "stages[2].threshold: the stage before gives 2 values: choose the one compared with column"),
            ("threshold: {column: 0, labels: [a, b, c]}", "stages[2].threshold.labels: lists 3 labels; give two"),
            ("threshold: {column: 0, labels: [a, a]}", "stages[2].threshold.labels: both labels are 'a'"),
            ("threshold: {column: 0, cutoff: high}", "stages[2].threshold.cutoff: expected a number, found 'high'"),
            ("threshold: {column: -1}", "stages[2].threshold.column: -1 is out of range"),
            ("threshold: {column: 0, cut_off: 0.3}", "unknown key 'cut_off'; did you mean 'cutoff'?"),
            ("threshold: {column: 0}\n  - softmax:", "stages[2].threshold: threshold must be the last stage before write"),
        ]
        for (stage, phrase) in cases {
            _ = try dir.write("p.yaml", "stages:\n  - read: {path: in.csv, features: [a, b]}\n  - forward: \(model)\n  - \(stage)\n  - write: {path: out.csv}\n")
            let result = try dir.nnpipe("validate", "p.yaml")
            #expect(result.status == 78, "\(stage)")
            #expect(result.stderr.contains(phrase), "\(stage): \(result.stderr)")
        }
    }
}
