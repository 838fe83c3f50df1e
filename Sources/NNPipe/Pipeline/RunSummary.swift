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
    /// The process's peak resident memory so far, in bytes.
    public var peakRSSBytes = 0

    public init() {}

    /// Reads the process's peak resident memory into ``peakRSSBytes``: `VmHWM` from
    /// /proc/self/status. (`getrusage`'s `ru_maxrss` also counts the parent's memory when the
    /// process was started by vfork-style spawning, so it can overstate ours.)
    public mutating func measurePeakMemory() {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            peakRSSBytes = kilobytes * 1024
            return
        }
        var usage = rusage()
        if getrusage(RUSAGE_SELF.rawValue, &usage) == 0 { peakRSSBytes = usage.ru_maxrss * 1024 }
    }

    /// These figures plus another run's rows (for runs over several inputs).
    public func adding(_ other: RunSummary) -> RunSummary {
        var sum = self
        sum.rowsRead += other.rowsRead
        sum.rowsWritten += other.rowsWritten
        sum.rowsSkipped += other.rowsSkipped
        sum.rowsRejected += other.rowsRejected
        return sum
    }

    public var rowsPerSecond: Double { seconds > 0 ? Double(rowsRead) / seconds : 0 }

    /// The one-line summary printed on standard error.
    public var line: String { "nnpipe: \(text)" }

    /// The summary without the program's name: `done: 1000 rows read, …`.
    public var text: String {
        let rate = rowsPerSecond >= 1 ? String(format: "%.0f", rowsPerSecond) : "0"
        return "\(succeeded ? "done" : "stopped"): \(rowsRead) rows read, \(rowsWritten) written, "
            + "\(rowsSkipped) skipped, \(rowsRejected) rejected in \(String(format: "%.3f", seconds)) s (\(rate) rows/s)"
    }

    /// The row counts as Hadoop Streaming counter lines (`reporter:counter:GROUP,NAME,VALUE`),
    /// which a streaming task writes on standard error for the job's counters.
    public var hadoopCounters: [String] {
        [("ROWS_READ", rowsRead), ("ROWS_WRITTEN", rowsWritten), ("ROWS_SKIPPED", rowsSkipped), ("ROWS_REJECTED", rowsRejected)]
            .map { "reporter:counter:nnpipe,\($0.0),\($0.1)" }
    }

    /// The same figures as JSON, for monitoring.
    public var json: String {
        let rate = (rowsPerSecond * 10).rounded() / 10
        return """
            {"succeeded": \(succeeded), "rows_read": \(rowsRead), "rows_written": \(rowsWritten), \
            "rows_skipped": \(rowsSkipped), "rows_rejected": \(rowsRejected), \
            "seconds": \(String(format: "%.6f", seconds)), "rows_per_second": \(rate), \
            "peak_rss_bytes": \(peakRSSBytes)}
            """ + "\n"
    }
}
