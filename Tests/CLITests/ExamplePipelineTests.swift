import Foundation
import Testing

@Suite("Every example in pipelines/ runs on sample-data/")
struct ExamplePipelineTests {
    /// What an example's `read:` stage names: the input (resolved against the pipeline's folder),
    /// the features and the carried columns. The examples write these keys in block style, one a line.
    struct ReadStage {
        var input: URL
        var features: [String]
        var carry: [String]
    }

    /// The `read:` stage of the pipeline file at `pipeline`, comments left out.
    static func readStage(of pipeline: URL) throws -> ReadStage {
        let lines = try String(contentsOf: pipeline, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingCharacters(in: .whitespaces) }
        let start = try #require(lines.firstIndex(of: "- read:"), "\(pipeline.lastPathComponent) has no '- read:' line")
        func value(_ key: String) throws -> String {
            let line = try #require(lines[start...].first { $0.hasPrefix("\(key):") }, "no \(key): in the read stage")
            return line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
        }
        func list(_ key: String) throws -> [String] {
            let text = try value(key)
            try #require(text.hasPrefix("[") && text.hasSuffix("]"), "\(key): \(text) is not a [list]")
            return text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let input = pipeline.deletingLastPathComponent().appendingPathComponent(try value("path")).standardizedFileURL
        return ReadStage(input: input, features: try list("features"), carry: try list("carry"))
    }

    @Test("pipelines/ holds only pipeline files, among them every one the documentation names")
    func present() throws {
        let folder = CLI.repoRoot.appendingPathComponent("pipelines")
        let everything = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!Self.pipelines.isEmpty)
        #expect(everything == Self.pipelines, "files in pipelines/ that the examples' test would not run")
        var named: Set<String> = []
        let docs = try FileManager.default.contentsOfDirectory(atPath: CLI.repoRoot.appendingPathComponent("docs").path)
        let documents = ["README.md"] + docs.filter { $0.hasSuffix(".md") }.map { "docs/\($0)" }
        for document in documents {
            let text = try String(contentsOf: CLI.repoRoot.appendingPathComponent(document), encoding: .utf8)
            let pattern = try Regex(#"pipelines/([A-Za-z0-9_-]+\.yaml)"#)
            for match in text.matches(of: pattern) { named.insert(String(text[match.range].dropFirst("pipelines/".count))) }
        }
        #expect(named.contains("seed.yaml"))
        #expect(named.subtracting(Self.pipelines).isEmpty, "named in the documentation, not in pipelines/: \(named.subtracting(Self.pipelines).sorted())")
    }

    /// Each example validates, then runs: every row of its input whose features are numbers is
    /// written, in order (its first carried column leads each output row), the others skipped,
    /// as the summary line counts them.
    @Test("validates and runs", arguments: pipelines)
    func runs(name: String) throws {
        let dir = try WorkDir()
        let pipeline = CLI.repoRoot.appendingPathComponent("pipelines/\(name)")
        let validated = try CLI.run(["validate", pipeline.path], in: dir.url)
        #expect(validated.status == 0, "\(validated.stderr)")

        let read = try Self.readStage(of: pipeline)
        let input = try csvRecords(ofFile: read.input.path)
        let header = try #require(input.first, "\(read.input.path) is empty")
        let featureFields = try read.features.map { name in try #require(header.firstIndex(of: name), "no column \(name)") }
        let idField = try #require(read.carry.first.flatMap { header.firstIndex(of: $0) }, "no carried column in \(header)")
        let rows = input.dropFirst()
        let good = rows.filter { row in row.count == header.count && featureFields.allSatisfy { isPlainNumber(row[$0]) } }
        #expect(rows.count > 1)

        let result = try CLI.run(["run", pipeline.path, "--output", dir.path("out.csv")], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        let output = try csvRecords(ofFile: dir.path("out.csv"))
        #expect(output.count == good.count + 1, "\(output.count - 1) rows written of \(good.count) good rows")
        #expect(output.dropFirst().map { $0.first ?? "" } == good.map { $0[idField] }, "rows missing or out of order")
        let skipped = rows.count - good.count
        #expect(result.stderr.contains("\(rows.count) rows read, \(good.count) written, \(skipped) skipped, 0 rejected"),
                "\(result.stderr)")
    }
}
