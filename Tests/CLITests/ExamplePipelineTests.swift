import Foundation
import Testing

@Suite("Every example in pipelines/ runs on sample-data/")
struct ExamplePipelineTests {
    static let pipelines: [String] = {
        let folder = CLI.repoRoot.appendingPathComponent("pipelines")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test("there are example pipelines")
    func present() {
        #expect(Self.pipelines.contains("seed.yaml"))
    }

    @Test("validates and runs", arguments: pipelines)
    func runs(name: String) throws {
        let dir = try WorkDir()
        let path = CLI.repoRoot.appendingPathComponent("pipelines/\(name)").path
        let validated = try CLI.run(["validate", path], in: dir.url)
        #expect(validated.status == 0, "\(validated.stderr)")
        let result = try CLI.run(["run", path, "--output", dir.path("out.csv")], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try dir.text("out.csv").split(separator: "\n")
        #expect(lines.count > 1)
        #expect(result.stderr.contains("rows read, \(lines.count - 1) written"))
    }
}
