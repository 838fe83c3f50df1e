import Foundation
import Testing

@Suite("Every example in pipelines/ runs on sample-data/")
struct ExamplePipelineTests {
    /// CSV records in `text`: line feeds outside quotes (quoted fields may hold line breaks).
    static func recordCount(_ text: String) -> Int {
        var inQuotes = false
        var count = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() } else if byte == 0x0A && !inQuotes { count += 1 }
        }
        return count
    }

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
        let records = Self.recordCount(try dir.text("out.csv"))
        #expect(records > 1)
        #expect(result.stderr.contains("rows read, \(records - 1) written"))
    }
}
