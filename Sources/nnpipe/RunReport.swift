import Logging
import NNPipe

/// What `run` says besides the summary line: a line per finished input (at info), and a warning
/// when rows were skipped or rejected, shown even with `--quiet`, so that a cron job mails only
/// when a run failed or dropped rows.
enum RunReport {
    /// Logs an input's figures as its last row is written (`--log-level info`).
    static let inputDone: @Sendable (InputFigures) -> Void = { figures in
        Terminal.message(figures.text + (figures.output.map { "; output \($0)" } ?? ""), level: .info,
                         metadata: Terminal.format == .json ? figures.metadata : nil)
    }

    /// After a run that succeeded with skipped or rejected rows: one warning line with the counts
    /// and the rejects file.
    static func warnAboutBadRows(_ summary: RunSummary, rejects: String?) {
        guard summary.rowsSkipped + summary.rowsRejected > 0 else { return }
        var parts: [String] = []
        func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(count) rows" }
        if summary.rowsRejected > 0 { parts.append("\(rows(summary.rowsRejected)) rejected" + (rejects.map { " (written to \($0))" } ?? "")) }
        if summary.rowsSkipped > 0 { parts.append("\(rows(summary.rowsSkipped)) skipped") }
        Terminal.message(parts.joined(separator: ", ") + " of \(summary.rowsRead) read", level: .warning,
                         metadata: ["rows_rejected": .stringConvertible(summary.rowsRejected),
                                    "rows_skipped": .stringConvertible(summary.rowsSkipped)])
    }
}

extension RunReport {
    /// After a run that succeeded: one warning line when an output was written without a row
    /// (its inputs held a header alone), shown even with `--quiet`, with the option that makes
    /// it a failure.
    static func warnAboutEmptyInputs(_ summary: RunSummary) {
        guard !summary.outputsWithoutRows.isEmpty else { return }
        Terminal.message("no rows read (a header alone): \(RunSummary.list(summary.outputsWithoutRows)) written without a row; "
                         + "--min-rows 1 makes this a failure (status 65)", level: .warning,
                         metadata: ["outputs_without_rows": .array(summary.outputsWithoutRows.map { .string($0) })])
    }
}

extension RunSummary {
    /// The figures as log metadata (the JSON log format's `metadata` object).
    var metadata: Logger.Metadata {
        var fields: Logger.Metadata = ["succeeded": .stringConvertible(succeeded), "rows_read": .stringConvertible(rowsRead),
         "rows_written": .stringConvertible(rowsWritten), "rows_skipped": .stringConvertible(rowsSkipped),
         "rows_rejected": .stringConvertible(rowsRejected), "rows_discarded": .stringConvertible(rowsDiscarded),
         "outputs_kept": .array(outputsKept.map { .string($0) }), "outputs_removed": .array(outputsRemoved.map { .string($0) }),
         "seconds": .stringConvertible(seconds),
         "rows_per_second": .stringConvertible((rowsPerSecond * 10).rounded() / 10),
         "peak_rss_bytes": .stringConvertible(peakRSSBytes)]
        if rowsResumed > 0 { fields["rows_resumed"] = .stringConvertible(rowsResumed) }
        return fields
    }
}

extension InputFigures {
    /// One input's figures as log metadata.
    var metadata: Logger.Metadata {
        var fields: Logger.Metadata = [
            "file": .string(file), "rows_read": .stringConvertible(rowsRead), "rows_written": .stringConvertible(rowsWritten),
            "rows_skipped": .stringConvertible(rowsSkipped), "rows_rejected": .stringConvertible(rowsRejected),
        ]
        if let seconds { fields["seconds"] = .stringConvertible(seconds) }
        if let output { fields["output"] = .string(output) }
        return fields
    }
}
