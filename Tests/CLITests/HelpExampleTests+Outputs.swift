import Foundation
import Testing

/// What each `--help` example must leave, as the help says: the rows of the files it writes or
/// prints (the seed network's output for every input row, in order, numpy's values on the seed's
/// own row), the lines `nnpipe test` prints, what `validate` and `inspect` describe.
extension HelpExampleTests {
    /// Adds what one example needs beyond the shared folder: a bad row for the reject example.
    static func prepare(_ line: String, _ dir: WorkDir) throws {
        if line.contains("--on-error reject") {
            try Shell.run("printf 'bad,N/A,1\\n' | gzip -n >> x.csv.gz", in: dir.url)
        }
    }

    /// Checks what the example `line` printed (`stdout`) and wrote in `dir`.
    static func check(_ line: String, _ dir: WorkDir, stdout: String) throws {
        let input = csvRecords(try dir.text("in.csv")).dropFirst()
        let ids = input.map { $0[0] }
        switch line {
        case "nnpipe run pipelines/seed.yaml":
            try expectSeedOutput(csvRecords(ofFile: dir.path("out/seed-activations.csv")), ids: ids, input: input, line)
        case "nnpipe test pipelines/seed.yaml", "nnpipe test pipelines/*.yaml":
            let files = line.hasSuffix("*.yaml") ? ExamplePipelineTests.pipelines : ["seed.yaml"]
            let expected = try files.flatMap { file in try testNames(file).map { "PASS pipelines/\(file): \($0)" } }
            #expect(stdout.split(separator: "\n").map(String.init) == expected, "\(line)")
        case "zcat x.csv.gz | nnpipe run p.yaml --input - --output - | head":
            try expectSeedOutput(csvRecords(stdout), ids: Array(ids.prefix(9)), input: input, line)
        case "zcat x.csv.gz | nnpipe run p.yaml --input - --output - | sort":
            var records = csvRecords(stdout)
            let header = try #require(records.firstIndex(of: ["id", "y0", "y1"]), "\(line): no header")
            records.remove(at: header)
            let order = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
            records.sort { (order[$0[0]] ?? -1) < (order[$1[0]] ?? -1) }
            try expectSeedOutput([["id", "y0", "y1"]] + records, ids: ids, input: input, line)
        case "nnpipe run p.yaml --on-error reject --rejects rejects.csv":
            try expectSeedOutput(csvRecords(ofFile: dir.path("out.csv")), ids: ids, input: input, line)
            let rejects = csvRecords(try dir.text("rejects.csv"))
            #expect(rejects.first == ["line", "reason", "record"], "\(line): \(rejects)")
            #expect(rejects.dropFirst().map { [$0.first ?? "", $0.last ?? ""] } == [["\(input.count + 2)", "bad,N/A,1"]], "\(line): \(rejects)")
        case "nnpipe run p.yaml in/*.csv --set write.gzip_level=6 -o out.csv.gz":
            #expect(try dir.read("out.csv.gz").prefix(2) == Data([0x1F, 0x8B]), "\(line): not gzip")
            try expectSeedOutput(csvRecords(ofFile: dir.path("out.csv.gz")), ids: ids + ids, input: input, line)
        case "nnpipe run --model m.json --features x1,x2 --carry id in.csv":
            try expectSeedOutput(csvRecords(stdout), ids: ids, input: input, line)
        case "nnpipe validate pipelines/seed.yaml":
            let layers = try seedLayers().map { "\($0.inputs)→\($0.units) \($0.activation)" }.joined(separator: ", ")
            let header = try #require(csvRecords(try dir.text("in.csv")).first)
            let field = { (name: String) in "\"\(name)\" (field \((header.firstIndex(of: name) ?? -1) + 1))" }
            for words in ["pipelines/seed.yaml: ok", "features: \(field("x1")), \(field("x2"))", "carry: \(field("id"))",
                          layers, "seed-activations.csv: id,y0,y1"] {
                #expect(stdout.contains(words), "\(line): no '\(words)' in \(stdout)")
            }
        case "nnpipe validate pipelines/seed.yaml --json":
            let plan = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
            let read = plan["read"] as? [String: Any]
            let names = { (key: String) in (read?[key] as? [[String: Any]])?.compactMap { $0["name"] as? String } }
            let stages = plan["stages"] as? [[String: Any]]
            let layers = (stages?.first?["layers"] as? [[String: Any]])?.map {
                LayerShape(inputs: $0["inputs"] as? Int ?? 0, units: $0["units"] as? Int ?? 0, activation: $0["activation"] as? String ?? "")
            }
            #expect(plan["ok"] as? Bool == true && names("features") == ["x1", "x2"] && names("carry") == ["id"], "\(stdout)")
            #expect((plan["write"] as? [String: Any])?["columns"] as? [String] == ["id", "y0", "y1"], "\(stdout)")
            #expect(layers == (try seedLayers()), "\(stdout)")
        case "nnpipe inspect sample-data/sensor-model.npz":
            let tensors = try npzTensors(dir.path("sample-data/sensor-model.npz"))
            #expect(stdout.hasPrefix("sample-data/sensor-model.npz: numpy .npz, \(tensors.count) tensors\n"), "\(stdout)")
            let lines = stdout.split(separator: "\n")
            for tensor in tensors {
                #expect(lines.contains { $0.contains(" \(tensor.name) ") && $0.contains("\(tensor.type)") && $0.hasSuffix(tensor.shape) },
                        "\(line): no line for \(tensor) in \(stdout)")
            }
            for layer in try sensorLayers(dir) {
                #expect(lines.contains { $0.contains(" \(layer.inputs)→\(layer.units) ") && $0.contains("activation: from the pipeline") },
                        "\(line): no layer \(layer) in \(stdout)")
            }
        case "nnpipe inspect model.onnx":
            #expect(stdout.hasPrefix("model.onnx: ONNX, "), "\(stdout)")
            let lines = stdout.split(separator: "\n")
            for layer in try sensorLayers(dir) {
                #expect(lines.contains { $0.contains(" \(layer.inputs)→\(layer.units) ") && $0.contains("activation: \(layer.activation);") },
                        "\(line): no layer \(layer) in \(stdout)")
            }
            #expect(stdout.contains("order: the ONNX graph"), "\(stdout)")
        case "nnpipe inspect model.onnx --json":
            let model = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
            #expect(Set(model.keys).isSuperset(of: ["file", "format", "tensors", "outputs", "input_steps", "layers", "order"]), "\(stdout)")
            #expect(model["file"] as? String == "model.onnx" && model["format"] as? String == "onnx", "\(stdout)")
            let layers = (model["layers"] as? [[String: Any]])?.map {
                LayerShape(inputs: $0["inputs"] as? Int ?? 0, units: $0["units"] as? Int ?? 0, activation: $0["activation"] as? String ?? "")
            }
            #expect(layers == (try sensorLayers(dir)), "\(stdout)")
        default:
            Issue.record("no check for the --help example '\(line)': add what it must print or write")
        }
    }

    /// Seed-network output `records`: the header `id,y0,y1`, then one row per id of `ids` in
    /// order, each two numbers in (0, 1) (sigmoid), the seed's own row (200, 17) as numpy gives it.
    static func expectSeedOutput(_ records: [[String]], ids: [String], input: ArraySlice<[String]>, _ line: String) throws {
        #expect(records.first == ["id", "y0", "y1"], "\(line): header \(records.first ?? [])")
        #expect(records.dropFirst().map { $0.first ?? "" } == ids, "\(line): \(records.count - 1) rows, not the input's \(ids.count) in order")
        #expect(records.dropFirst().allSatisfy { $0.count == 3 && $0.dropFirst().allSatisfy { Double($0).map { $0 > 0 && $0 < 1 } ?? false } },
                "\(line): a row that is not two sigmoid outputs")
        let seedRow = try #require(input.first { $0.count == 3 && $0[1] == "200" && $0[2] == "17" }, "no row (200, 17) in in.csv")
        if let row = records.first(where: { $0.first == seedRow[0] }) {
            #expect(row.dropFirst().joined(separator: ",") == (try SeedGolden.firstRow()), "\(line): the seed's own row")
        } else {
            #expect(!ids.contains(seedRow[0]), "\(line): no row for the seed's own row")
        }
    }

    /// The names in the `tests:` section of pipelines/`file`, in order.
    static func testNames(_ file: String) throws -> [String] {
        let text = try String(contentsOf: CLI.repoRoot.appendingPathComponent("pipelines/\(file)"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let start = try #require(lines.firstIndex(where: { $0.hasPrefix("tests:") }), "\(file) has no tests: section")
        return lines[start...].compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("- name: ") ? String(trimmed.dropFirst("- name: ".count)) : nil
        }
    }

    /// A dense layer as validate and inspect describe it.
    struct LayerShape: Equatable, CustomStringConvertible {
        var inputs: Int
        var units: Int
        var activation: String
        var description: String { "\(inputs)→\(units) \(activation)" }
    }

    /// The seed model's layers, from sample-data/seed-model.json (weights: inputs × units).
    static func seedLayers() throws -> [LayerShape] {
        let data = try Data(contentsOf: CLI.repoRoot.appendingPathComponent("sample-data/seed-model.json"))
        let model = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let layers = try #require(model["layers"] as? [[String: Any]])
        return try layers.map { layer in
            let weights = try #require(layer["weights"] as? [[Any]])
            return LayerShape(inputs: weights.count, units: weights.first?.count ?? 0, activation: layer["activation"] as? String ?? "")
        }
    }

    /// The tensors of an npz file as numpy stores them (Python's zipfile, each .npy header's
    /// dtype and shape): name, dtype (`<f8`) and shape as Python writes it (`(8, 16)`).
    static func npzTensors(_ path: String) throws -> [(name: String, type: String, shape: String)] {
        let script = """
            import ast, sys, zipfile
            for name in sorted(zipfile.ZipFile(sys.argv[1]).namelist()):
                head = zipfile.ZipFile(sys.argv[1]).read(name)[:256]
                header = ast.literal_eval(head[10:10 + int.from_bytes(head[8:10], 'little')].decode())
                print(name[:-4], header['descr'], header['shape'], sep='\\t')
            """
        let out = String(decoding: try Shell.run("/usr/bin/python3 -c \(shellQuoted(script)) \(shellQuoted(path))", in: CLI.repoRoot), as: UTF8.self)
        let tensors = out.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }.filter { $0.count == 3 }
        try #require(!tensors.isEmpty, "python3 read no tensors from \(path)")
        return tensors.map { ($0[0], $0[1], $0[2]) }
    }

    /// The sensor network's layers: the shapes of sensor-model.npz's weights (2-D tensors, in
    /// name order), the activations that pipelines/sensor-classes-npz.yaml gives them.
    static func sensorLayers(_ dir: WorkDir) throws -> [LayerShape] {
        let yaml = try String(contentsOf: CLI.repoRoot.appendingPathComponent("pipelines/sensor-classes-npz.yaml"), encoding: .utf8)
        let line = try #require(yaml.split(separator: "\n").first { $0.contains("activations: [") })
        let activations = line.split(separator: "[")[1].dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let weights = try npzTensors(dir.path("sample-data/sensor-model.npz")).filter { $0.shape.contains(", ") && !$0.shape.hasSuffix(",)") }
        try #require(weights.count == activations.count, "\(weights.count) weights, \(activations.count) activations")
        return zip(weights, activations).map { tensor, activation in
            let sizes = tensor.shape.dropFirst().dropLast().split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            return LayerShape(inputs: sizes.first ?? 0, units: sizes.last ?? 0, activation: activation)
        }
    }
}
