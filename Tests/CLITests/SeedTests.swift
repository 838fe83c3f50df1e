import Foundation
import Testing

@Suite("The seed example, through the CLI")
struct SeedTests {
    @Test("seed pipeline gives numpy's output for (200, 17) to the last digit")
    func seedPipeline() throws {
        let dir = try WorkDir()
        let result = try CLI.run(["run", CLI.repoRoot.appendingPathComponent("pipelines/seed.yaml").path,
                                  "--output", dir.path("seed.csv")], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try dir.text("seed.csv").split(separator: "\n")
        #expect(lines.first == "id,y0,y1")
        #expect(try lines.dropFirst().first == "1,\(SeedGolden.firstRow())"[...])
        #expect(lines.count == 1001)
        #expect(result.stderr.contains("1000 rows read, 1000 written, 0 skipped, 0 rejected"))
    }

    @Test("stdout carries only data; the summary goes to stderr")
    func stdoutIsData() throws {
        let dir = try WorkDir()
        let result = try CLI.run(["run", CLI.repoRoot.appendingPathComponent("pipelines/seed.yaml").path, "--output", "-"],
                                 in: dir.url)
        #expect(result.status == 0)
        #expect(try result.stdoutText.hasPrefix("id,y0,y1\n1,\(SeedGolden.firstRow())\n"))
        #expect(!result.stdoutText.contains("nnpipe"))
        #expect(result.stderr.contains("rows read"))
    }

    @Test("validate describes the plan without writing anything")
    func validate() throws {
        let dir = try WorkDir()
        let result = try CLI.run(["validate", CLI.repoRoot.appendingPathComponent("pipelines/seed.yaml").path,
                                  "--output", dir.path("never.csv")], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("features: \"x1\" (field 2), \"x2\" (field 3)"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("2→3 sigmoid, 3→4 sigmoid, 4→2 sigmoid"))
        #expect(!dir.exists("never.csv"))
        // The report is the command's output: standard output; nothing on standard error.
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }
}
