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
        guard summary.rows.bad > 0 else { return }
        var parts: [String] = []
        func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(count) rows" }
        if summary.rows.rejected > 0 { parts.append("\(rows(summary.rows.rejected)) rejected" + (rejects.map { " (written to \($0))" } ?? "")) }
        if summary.rows.skipped > 0 { parts.append("\(rows(summary.rows.skipped)) skipped") }
        Terminal.message(parts.joined(separator: ", ") + " of \(summary.rows.read) read", level: .warning,
                         metadata: ["rows_rejected": .stringConvertible(summary.rows.rejected),
                                    "rows_skipped": .stringConvertible(summary.rows.skipped)])
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
        var fields: Logger.Metadata = ["succeeded": .stringConvertible(succeeded), "rows_read": .stringConvertible(rows.read),
         "rows_written": .stringConvertible(rows.written), "rows_skipped": .stringConvertible(rows.skipped),
         "rows_rejected": .stringConvertible(rows.rejected), "rows_discarded": .stringConvertible(rows.discarded),
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
            "file": .string(file), "rows_read": .stringConvertible(rows.read), "rows_written": .stringConvertible(rows.written),
            "rows_skipped": .stringConvertible(rows.skipped), "rows_rejected": .stringConvertible(rows.rejected),
        ]
        if let seconds { fields["seconds"] = .stringConvertible(seconds) }
        if let output { fields["output"] = .string(output) }
        return fields
    }
}
