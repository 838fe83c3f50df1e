import Foundation
import Testing

/// The transform stages (scale, forward options, softmax, argmax, top_k) through the CLI, against
/// numpy: `scripts/make_golden.py` writes each case's stages, its expected output and tolerance
/// under Tests/Fixtures/golden-stages/. Numbers compare within t + t·|numpy| (t = 1e-12, or 1e-5
/// for float32); class indices and labels compare exactly.
@Suite("transform stages against numpy")
struct StageTests {
    static let cases = ["scale-file-softmax-argmax", "minmax-hidden-topk", "embeddings-only", "float32"]

    @Test("stages match numpy", arguments: cases)
    func matchesNumpy(name: String) throws {
        let dir = try WorkDir()
        let folder = CLI.fixture("golden-stages/\(name)")
        let transforms = try String(contentsOf: folder.appendingPathComponent("transforms.yaml"), encoding: .utf8)
        let tolerance = try #require(Double(String(contentsOf: folder.appendingPathComponent("tolerance.txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        // The pipeline sits in a case folder beside copies of the files its paths name (`../…`),
        // inside the test's own folder: nothing is written into the checkout.
        let root = CLI.fixture("golden-stages")
        for name in try FileManager.default.contentsOfDirectory(atPath: root.path) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isFolder),
                  !isFolder.boolValue else { continue }
            try FileManager.default.copyItem(at: root.appendingPathComponent(name), to: dir.url.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("case"), withIntermediateDirectories: true)
        let pipeline = """
            stages:
              - read:
                  path: ../input.csv
                  features: [x0, x1, x2, x3]
                  carry: [id]
            \(transforms)  - write:
                  path: "\(dir.path("out.csv"))"
            execution:
              chunk_rows: 97
            """
        let pipelinePath = dir.url.appendingPathComponent("case/p.yaml")
        try pipeline.write(to: pipelinePath, atomically: true, encoding: .utf8)
        let result = try dir.nnpipe("run", pipelinePath.path)
        #expect(result.status == 0, "\(result.stderr)")
        let actual = try dir.text("out.csv").split(separator: "\n").map { csvFields(String($0)) }
        let expected = try String(contentsOf: folder.appendingPathComponent("expected.csv"), encoding: .utf8)
            .split(separator: "\n").map { csvFields(String($0)) }
        #expect(actual.first == expected.first, "header")
        try #require(actual.count == expected.count)
        var worst = 0.0
        for (a, e) in zip(actual.dropFirst(), expected.dropFirst()) {
            try #require(a.count == e.count, "row \(a.first ?? "")")
            for (x, y) in zip(a, e) {
                if let x = Double(x), let y = Double(y), y.rounded() != y || x != y {
                    worst = max(worst, abs(x - y))
                    #expect(abs(x - y) <= tolerance + tolerance * abs(y), "row \(a[0]): nnpipe \(x), numpy \(y)")
                } else {
                    #expect(x == y, "row \(a[0])")
                }
            }
        }
        print("stages \(name): largest absolute difference from numpy \(worst)")
    }

    @Test("stage mistakes are config errors with their key path")
    func stageErrors() throws {
        let dir = try WorkDir()
        _ = try dir.write("in.csv", "id,a,b\n1,2,3\n")
        _ = try dir.write("m.json", #"{"layers": [{"weights": [[1, 0, 0], [0, 1, 0]], "bias": [0, 0, 0], "activation": "identity"}]}"#)
        let cases: [(stages: String, phrase: String)] = [
            ("  - scale: {mean: [1, 2, 3], scale: [1, 1, 1]}\n  - forward: {model: m.json}", "scales 3 values but read.features lists 2"),
            ("  - scale: {mean: [1, 2], scale: [1, 0]}\n  - forward: {model: m.json}", "would divide by zero"),
            ("  - scale: {mean: [1, 2]}\n  - forward: {model: m.json}", "give mean and scale"),
            ("  - scale: {file: nope.json}\n  - forward: {model: m.json}", "cannot load the scaler"),
            ("  - forward: {model: m.json}\n  - argmax: {labels: [a, b]}", "2 labels for 3 classes"),
            ("  - forward: {model: m.json}\n  - top_k: {k: 4}", "k is 4 but the stage before gives 3"),
            ("  - forward: {model: m.json}\n  - top_k: {}", "missing required key 'k'"),
            ("  - forward: {model: m.json}\n  - argmax:\n  - softmax:", "argmax must be the last stage"),
            ("  - forward: {model: m.json, hidden: [fc9]}", "no layer 'fc9'; layers: 0"),
            ("  - forward: {model: m.json, final: false}", "hidden lists none"),
            ("  - forward: {model: m.json, precision: float16}", "'float16' is not one of float64, float32"),
            ("  - forward: {model: m.json}\n  - softmax: {axis: 1}", "this stage takes no options"),
            ("  - forward: {model: m.json}\n  - argmax: {keep_activation: true}", "did you mean 'keep_activations'"),
        ]
        for (stages, phrase) in cases {
            _ = try dir.write("p.yaml", "stages:\n  - read: {path: in.csv, features: [a, b]}\n\(stages)\n  - write: {path: out.csv}\n")
            let result = try dir.nnpipe("validate", "p.yaml")
            #expect(result.status == 78, "\(stages)")
            #expect(result.stderr.contains(phrase), "\(stages): \(result.stderr)")
            #expect(result.stderr.contains("p.yaml:"), "the message names the pipeline file: \(result.stderr)")
        }
    }

    @Test("write.columns renames every value column, and labels are CSV-quoted")
    func columnsAndLabels() throws {
        let dir = try WorkDir()
        _ = try dir.write("in.csv", "id,a,b\n1,2,3\n2,5,-1\n")
        _ = try dir.write("m.json", #"{"layers": [{"weights": [[1, 0], [0, 1]], "bias": [0, 0], "activation": "identity"}]}"#)
        _ = try dir.write("p.yaml", """
            stages:
              - read: {path: in.csv, features: [a, b], carry: [id]}
              - forward: {model: m.json}
              - argmax: {labels: ["small, or not", big], keep_activations: true}
              - write: {path: out.csv, columns: [p, q, label, score]}
            """)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == "id,p,q,label,score\n1,2.0,3.0,big,3.0\n2,5.0,-1.0,\"small, or not\",5.0\n")
    }
}

/// Splits one CSV line into fields, honouring double quotes.
func csvFields(_ line: String) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var iterator = line.makeIterator()
    while let c = iterator.next() {
        if quoted {
            if c == "\"" { quoted = false } else { field.append(c) }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            fields.append(field)
            field = ""
        } else {
            field.append(c)
        }
    }
    fields.append(field)
    return fields
}
