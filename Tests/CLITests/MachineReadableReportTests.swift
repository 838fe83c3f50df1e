import Foundation
import Testing

/// `validate --json` and `inspect --json`: one JSON object on standard output, read back with
/// JSONSerialization.
@Suite("Machine-readable reports")
struct MachineReadableReportTests {
    func object(_ result: CLIResult) throws -> [String: Any] {
        #expect(result.stdoutText.hasSuffix("}\n") && result.stdoutText.split(separator: "\n").count == 1,
                "one line: \(result.stdoutText)")
        return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.stdoutText)")
    }

    @Test("validate --json: the files a pattern matches with their outputs, the columns, the layers, the output")
    func validateTemplate() throws {
        let dir = try WorkDir()
        try dir.write("in/a.csv", "id,x1,x2\na1,1,2\n")
        try dir.write("in/b.csv", "id,x1,x2\nb1,1,2\n")
        try dir.writeSumPipeline(input: "in/*.csv", output: "out/{stem}.csv.gz", execution: "execution: {workers: 3, chunk_rows: 100}")
        let result = try dir.nnpipe("validate", "p.yaml", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let report = try object(result)
        #expect(report["pipeline"] as? String == "p.yaml")
        #expect(report["ok"] as? Bool == true)
        #expect(report["header_checked"] as? Bool == true)
        let inputs = try #require(report["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["file"] as? String } == ["in/a.csv", "in/b.csv"])
        #expect(inputs.map { $0["output"] as? String } == ["out/a.csv.gz", "out/b.csv.gz"])
        let read = try #require(report["read"] as? [String: Any])
        #expect(read["fields"] as? Int == 3)
        #expect(read["header"] as? Bool == true)
        let features = try #require(read["features"] as? [[String: Any]])
        #expect(features.map { $0["name"] as? String } == ["x1", "x2"])
        #expect(features.map { $0["field"] as? Int } == [2, 3])
        #expect((read["carry"] as? [[String: Any]])?.map { $0["name"] as? String } == ["id"])
        let stages = try #require(report["stages"] as? [[String: Any]])
        #expect(stages.count == 1)
        let forward = try #require(stages.first)
        #expect(forward["kind"] as? String == "forward")
        #expect(forward["inputs"] as? Int == 2 && forward["outputs"] as? Int == 2)
        #expect(forward["columns"] as? [String] == ["y0", "y1"])
        let layers = try #require(forward["layers"] as? [[String: Any]])
        #expect(layers.count == 1)
        #expect(layers.first?["inputs"] as? Int == 2 && layers.first?["units"] as? Int == 2)
        #expect(layers.first?["activation"] as? String == "identity")
        #expect((forward["order"] as? [String: Any])?["rule"] as? String == "file")
        let write = try #require(report["write"] as? [String: Any])
        #expect(write["columns"] as? [String] == ["id", "y0", "y1"])
        #expect((write["compression"] as? String)?.hasPrefix("gzip") == true, "\(String(describing: write["compression"]))")
        let execution = try #require(report["execution"] as? [String: Any])
        #expect(execution["workers"] as? Int == 3 && execution["chunk_rows"] as? Int == 100)
        #expect(execution["chunk_bytes"] as? Int == 256 << 10)
        #expect(!dir.exists("out"), "validate wrote nothing")
    }

    /// A chunk's default size: 256 KiB, and for plain output 8 MiB among the chunks in flight
    /// where that is less, down to 128 KiB; a compressed output (a member or frame per chunk, so
    /// its bytes must not depend on the machine's processors) keeps 256 KiB; `chunk_bytes` wins.
    @Test("validate --json: the bytes per chunk, by output compression, workers and chunk_bytes",
          arguments: [("out.csv", "", "", 2, 256 << 10), ("out.csv", "", "", 15, 256 << 10), ("out.csv", "", "", 16, (8 << 20) / 34),
                      ("out.csv", "", "", 64, 128 << 10), ("out.csv", "", "chunk_bytes: 5000, ", 16, 5000),
                      ("out.csv", "", "chunk_bytes: 1048576, ", 2, 1 << 20),
                      ("out.csv.gz", "", "", 16, 256 << 10), ("out.csv.zst", "", "", 64, 256 << 10),
                      ("out.csv", "", "max_chunks_in_flight: 2, ", 16, 256 << 10),
                      ("out.csv", "errors: {policy: reject, rejects: bad.csv.gz}", "", 16, 256 << 10),
                      ("out.csv", "errors: {policy: reject, rejects: bad.csv}", "", 16, (8 << 20) / 34)])
    func chunkBytes(output: String, errors: String, setting: String, workers: Int, expected: Int) throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na1,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: output, execution: "execution: {\(setting)workers: \(workers)}\n\(errors)")
        let result = try dir.nnpipe("validate", "p.yaml", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let execution = try #require(try object(result)["execution"] as? [String: Any])
        #expect(execution["chunk_bytes"] as? Int == expected, "\(execution)")
        #expect(execution["workers"] as? Int == workers)
        // The text report says the same.
        let text = try dir.nnpipe("validate", "p.yaml")
        #expect(text.stdoutText.contains("about \(expected) bytes per chunk, \(workers) workers"), "\(text.stdoutText)")
    }

    /// The chunks in flight: by default as many of a chunk's bytes as 8 MiB holds, at least 2 ×
    /// workers + 2, and their bytes beyond those within 8 MiB; `max_chunks_in_flight` alone where set.
    @Test("validate --json: the chunks in flight and their bytes, by workers, chunk_bytes and max_chunks_in_flight",
          arguments: [("", 2, 32, 8 << 20), ("", 16, 34, 8 << 20), ("", 64, 130, 8 << 20),
                      ("chunk_bytes: 1048576, ", 2, 8, 8 << 20), ("chunk_bytes: 100, ", 2, 4096, 8 << 20),
                      ("max_chunks_in_flight: 4, ", 2, 4, nil), ("max_chunks_in_flight: 100, ", 16, 100, nil)] as [(String, Int, Int, Int?)])
    func chunksInFlight(setting: String, workers: Int, chunks: Int, bytes: Int?) throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na1,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv", execution: "execution: {\(setting)workers: \(workers)}")
        let result = try dir.nnpipe("validate", "p.yaml", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let execution = try #require(try object(result)["execution"] as? [String: Any])
        #expect(execution["max_chunks_in_flight"] as? Int == chunks, "\(execution)")
        #expect(execution["in_flight_bytes"] as? Int == bytes, "\(execution)")
        if bytes == nil { #expect(execution["in_flight_bytes"] is NSNull, "\(execution)") }
        let text = try dir.nnpipe("validate", "p.yaml").stdoutText
        let expected = "at most \(chunks) chunks in flight" + (bytes.map { " (beyond \(2 * workers + 2), within \($0) bytes of input)" } ?? "\n")
        #expect(text.contains(expected), "\(text)")
    }

    @Test("validate --json: each stage's widths and the columns it names (scale, forward, softmax, argmax)")
    func validateStages() throws {
        let dir = try WorkDir()
        let result = try CLI.run(["validate", CLI.repoRoot.appendingPathComponent("pipelines/sensor-labels.yaml").path, "--json"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        let stages = try #require(try object(result)["stages"] as? [[String: Any]])
        #expect(stages.map { $0["kind"] as? String } == ["scale", "forward", "softmax", "argmax"])
        #expect(stages.map { $0["inputs"] as? Int } == [8, 8, 4, 4])
        #expect(stages.map { $0["outputs"] as? Int } == [8, 4, 4, 4])
        #expect(stages[0]["method"] as? String == "standard")
        let layers = try #require(stages[1]["layers"] as? [[String: Any]])
        #expect(layers.map { "\($0["inputs"] ?? "")→\($0["units"] ?? "") \($0["activation"] ?? "")" } == ["8→12 gelu", "12→4 identity"])
        #expect(stages[3]["labels"] as? [String] == ["idle", "normal", "busy", "fault"])
        #expect(stages[3]["k"] as? Int == 1)
        #expect(stages[3]["columns"] as? [String] == ["state", "probability"])
    }

    @Test("validate --json on a wrong pipeline: nothing on standard output, the error on standard error")
    func validateRefused() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x3\na,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        let result = try dir.nnpipe("validate", "p.yaml", "--json")
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty, "\(result.stdoutText)")
        #expect(result.stderr.contains("feature column \"x2\""), "\(result.stderr)")
    }

    @Test("inspect --json: tensors, layers with shapes and activations, the order rule")
    func inspect() throws {
        let dir = try WorkDir()
        let result = try dir.nnpipe("inspect", CLI.repoRoot.appendingPathComponent("sample-data/sensor-model.npz").path, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try object(result)
        #expect(report["format"] as? String == "npz")
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == ["W0", "W1", "b0", "b1"])
        #expect(tensors.first?["shape"] as? [Int] == [8, 16])
        #expect(tensors.allSatisfy { $0["unused"] as? Bool == false })
        let layers = try #require(report["layers"] as? [[String: Any]])
        #expect(layers.map { $0["inputs"] as? Int } == [8, 16])
        #expect(layers.map { $0["units"] as? Int } == [16, 4])
        #expect(layers.map { $0["weights"] as? String } == ["W0", "W1"])
        #expect(layers.allSatisfy { $0["activation"] is NSNull }, "npz holds no activations")
        let order = try #require(report["order"] as? [String: Any])
        #expect(order["rule"] as? String == "numbered")
        #expect(order["names"] as? [String] == ["W0", "W1"])
    }

    @Test("inspect --json of a file whose layer order cannot be told: tensors, null layers, 78")
    func inspectRefused() throws {
        let dir = try WorkDir()
        let result = try dir.nnpipe("inspect", CLI.fixture("models/order/square-unnamed.safetensors").path, "--json")
        #expect(result.status == 78)
        let report = try object(result)
        #expect((report["tensors"] as? [Any])?.isEmpty == false)
        #expect(report["layers"] is NSNull && report["order"] is NSNull)
        #expect(result.stderr.contains("give no order"), "\(result.stderr)")
    }
}
