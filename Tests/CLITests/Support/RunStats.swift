import Foundation

/// Rows read, written, skipped and rejected, as `--stats-json` reports them.
struct RowCounts: Sendable, Equatable, CustomStringConvertible {
    var read: Int
    var written: Int
    var skipped = 0
    var rejected = 0
    var description: String { "read \(read), written \(written), skipped \(skipped), rejected \(rejected)" }
}

/// The figures `--stats-json` wrote, or nil when it wrote none.
func readStats(_ dir: WorkDir, _ name: String = "stats.json") throws -> [String: Any]? {
    guard dir.exists(name) else { return nil }
    return try JSONSerialization.jsonObject(with: try dir.read(name)) as? [String: Any]
}

/// The row counts in `--stats-json` figures, or nil when one is missing.
func counts(_ stats: [String: Any]) -> RowCounts? {
    guard let read = stats["rows_read"] as? Int, let written = stats["rows_written"] as? Int,
          let skipped = stats["rows_skipped"] as? Int, let rejected = stats["rows_rejected"] as? Int else { return nil }
    return RowCounts(read: read, written: written, skipped: skipped, rejected: rejected)
}
