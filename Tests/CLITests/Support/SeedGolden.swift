import Foundation
import Testing

/// The seed network's output for its own row (200, 17) as numpy computed it: the first row of
/// `expect` in pipelines/seed.yaml's `tests:` section, which scripts/make_pipeline_tests.py writes.
enum SeedGolden {
    /// The row's values as nnpipe writes them (shortest round-trip text, as numpy's `repr`),
    /// joined by commas: `y0,y1`.
    static func firstRow() throws -> String {
        let yaml = try String(contentsOf: CLI.repoRoot.appendingPathComponent("pipelines/seed.yaml"), encoding: .utf8)
        let lines = yaml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let at = try #require(lines.firstIndex(of: "expect:"), "pipelines/seed.yaml has no expect: line")
        let row = try #require(lines.dropFirst(at + 1).first, "nothing after expect:")
        try #require(row.hasPrefix("- [") && row.hasSuffix("]"), "not a row: \(row)")
        return row.dropFirst(3).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: ",")
    }
}
