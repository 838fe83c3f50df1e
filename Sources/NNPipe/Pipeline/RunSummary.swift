import Foundation

/// The figures of a run: rows read = written + skipped + rejected (up to a failing row).
public struct RunSummary: Sendable, Codable, Equatable {
    public var rowsRead = 0
    public var rowsWritten = 0
    public var rowsSkipped = 0
    public var rowsRejected = 0
    public var seconds = 0.0
    /// Whether the run completed (false when it stopped on an error).
    public var succeeded = false

    public init() {}

    public var rowsPerSecond: Double { seconds > 0 ? Double(rowsRead) / seconds : 0 }

    /// The one-line summary printed on standard error.
    public var line: String {
        let rate = rowsPerSecond >= 1 ? String(format: "%.0f", rowsPerSecond) : "0"
        return "nnpipe: \(succeeded ? "done" : "stopped"): \(rowsRead) rows read, \(rowsWritten) written, "
            + "\(rowsSkipped) skipped, \(rowsRejected) rejected in \(String(format: "%.3f", seconds)) s (\(rate) rows/s)"
    }

    /// The same figures as JSON, for monitoring.
    public var json: String {
        let rate = (rowsPerSecond * 10).rounded() / 10
        return """
            {"succeeded": \(succeeded), "rows_read": \(rowsRead), "rows_written": \(rowsWritten), \
            "rows_skipped": \(rowsSkipped), "rows_rejected": \(rowsRejected), \
            "seconds": \(String(format: "%.6f", seconds)), "rows_per_second": \(rate)}
            """ + "\n"
    }
}
