import Foundation
import Testing
@testable import NNPipe

/// Seeded random-input tests for the parts that read outside data: the gzip + CSV reader and the
/// pipeline-file loader. Each iteration mutates a valid input (flipped, inserted, deleted and
/// duplicated bytes, truncation) and requires a result or a typed nnpipe error: never a crash,
/// a hang or an untyped error. `NNPIPE_FUZZ_ITERATIONS` sets the iterations (default 300 per
/// target); `NNPIPE_FUZZ_SEED` replays a seed.
@Suite("Fuzzing the reader and the loader", .serialized)
struct FuzzTests {
    /// Runs the reader over `input` with the given policy; any outcome but a typed error fails.
    static func runReader(_ input: [UInt8], folder: URL, policy: ErrorPolicy) {
        let inputPath = folder.appendingPathComponent("in.bin").path
        FileManager.default.createFile(atPath: inputPath, contents: Data(input))
        let yaml = """
            stages:
              - read: {path: in.bin, features: [x1, x2], carry: [id], max_record_bytes: 4096}
              - forward:
                  layers: [{weights: [[1, 2], [3, 4]], bias: [0, 1], activation: sigmoid}]
              - write: {path: out.csv.gz}
            execution: {chunk_rows: 3, workers: 2}
            errors: {policy: \(policy.rawValue), rejects: rejects.csv}
            """
        do {
            let config = try PipelineLoader.parse(yaml: yaml, file: "p.yaml", folder: folder.path)
            if let failure = PipelineRunner(config: config).run().failure { throw failure }
        } catch is any NNPipeError {
            // A clear, typed error: what bad input must give.
        } catch {
            Issue.record("untyped error \(error) for input \(input)")
        }
    }

    static let csv = Array("id,x1,x2\n1,200,17\n\"two, quoted\",0.5,-1e-3\n3,\"4\",5\r\n4,1,2".utf8)

    @Test("the CSV reader on mutated plain input")
    func plainCSV() throws {
        var rng = SplitMix(state: Self.seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for _ in 0..<Self.iterations {
            Self.runReader(Self.mutate(Self.csv, &rng), folder: folder, policy: [.fail, .skip, .reject].randomElement(using: &rng)!)
        }
    }

    @Test("the gzip reader on mutated and multi-member gzip input")
    func gzipCSV() throws {
        var rng = SplitMix(state: Self.seed &+ 1)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let member = try GzipCompressor(level: 6).member(Self.csv)
        let valid = try member + GzipCompressor(level: 1).member(Array("\n5,6,7\n".utf8))
        for _ in 0..<Self.iterations {
            Self.runReader(Self.mutate(valid, &rng), folder: folder, policy: .skip)
        }
    }

    static let pipeline = Array("""
        stages:
          - read:
              path: in.csv
              features: [x1, x2]
              carry: [id]
          - forward:
              layers:
                - {weights: [[1, -3], [2, 4]], bias: [-1, 1], activation: relu}
          - write: {path: out.csv, columns: [a, b], gzip_level: 3}
        execution:
          chunk_rows: 100
          workers: 2
        errors: {policy: skip, max_errors: 10}
        """.utf8)

    @Test("the pipeline-file loader on mutated YAML")
    func pipelineLoader() {
        var rng = SplitMix(state: Self.seed &+ 2)
        for _ in 0..<Self.iterations * 10 {
            let text = String(decoding: Self.mutate(Self.pipeline, &rng), as: UTF8.self)
            do {
                _ = try PipelineLoader.parse(yaml: text, file: "p.yaml", folder: "/nonexistent")
            } catch is any NNPipeError {
            } catch {
                Issue.record("untyped error \(error) for pipeline \(text.debugDescription)")
            }
        }
    }

    @Test("the model-file JSON parser on mutated JSON")
    func modelJSON() {
        var rng = SplitMix(state: Self.seed &+ 3)
        let json = Array(#"{"layers": [{"weights": [[1, -3.5e2], [2, 4]], "bias": [-1, 1], "activation": "sigmoid"}]}"#.utf8)
        var refused = 0
        for _ in 0..<Self.iterations * 10 {
            let text = Self.mutate(json, &rng)
            do {
                _ = try JSONValue.parse(text)
            } catch {
                // A typed error that says where and what, inside the text.
                refused += 1
                let lines = text.split(separator: 0x0A, omittingEmptySubsequences: false).count
                #expect(error.line >= 1 && error.line <= lines && error.column >= 1 && !error.problem.isEmpty,
                        "\(error) for \(String(decoding: text, as: UTF8.self).debugDescription) (seed \(Self.seed))")
            }
        }
        #expect(refused > 0, "no mutation was refused (seed \(Self.seed))")
    }
}
