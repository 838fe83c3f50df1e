import Foundation

extension ExamplePipelineTests {
    /// The example pipeline files in pipelines/, by name.
    static let pipelines: [String] = {
        let folder = CLI.repoRoot.appendingPathComponent("pipelines")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()
}
