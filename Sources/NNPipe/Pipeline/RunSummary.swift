import Foundation

/// The figures of a run, as they stand on disk: rows read = written + skipped + rejected +
/// discarded (and, after a failing row, + 1 for it).
///
/// Written rows are in a committed output or were sent to a stream; rejected rows are in a
/// committed rejects file or a stream; discarded rows were processed into an output or rejects
/// file that was removed because the run failed.
package struct RunSummary: Sendable, Codable, Equatable {
    /// The rows read, written, skipped, rejected and discarded.
    package var rows = RowCounts()
    /// Rows of the run that a killed run had already processed, when this run resumed it
    /// (`--resume`): they are counted in the other figures too.
    package var rowsResumed = 0
    /// Output and rejects files committed (by the paths the user gave).
    package var outputsKept: [String] = []
    /// Unfinished output and rejects files removed after a failure.
    package var outputsRemoved: [String] = []
    /// Rows sent to a stream (standard output, a FIFO), which a failure cannot take back.
    package var rowsStreamed = 0
    /// Whether a write to a stream failed part way, after part of a row (or of a compressed
    /// member) past ``rowsStreamed`` had reached it.
    package var partOfARowStreamed = false
    /// The figures of each input read, in order.
    package var inputs: [InputFigures] = []
    package var seconds = 0.0
    /// Whether the run completed (false when it stopped on an error).
    package var succeeded = false
    /// The process's peak resident memory so far, in bytes.
    package var peakRSSBytes = 0
    /// Inputs not read because their outputs were up to date (`--skip-existing`).
    package var inputsUpToDate: [String] = []
    /// Outputs written without a row (their inputs held a header alone, or nothing), each with
    /// its inputs: `in/b.csv → out/b.csv`.
    package var outputsWithoutRows: [String] = []
    /// Inputs whose output failed, in order (with `--keep-going`, possibly several).
    package var failedInputs: [FailedInput] = []

    package init() {}

    /// Reads the process's peak resident memory into ``peakRSSBytes``: `VmHWM` from
    /// /proc/self/status. (`getrusage`'s `ru_maxrss` also counts the parent's memory when the
    /// process was started by vfork-style spawning, so it can overstate ours.)
    package mutating func measurePeakMemory() {
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
    package func adding(_ other: RunSummary) -> RunSummary {
        var sum = self
        sum.rows += other.rows
        sum.rowsResumed += other.rowsResumed
        sum.rowsStreamed += other.rowsStreamed
        sum.partOfARowStreamed = sum.partOfARowStreamed || other.partOfARowStreamed
        sum.outputsKept += other.outputsKept
        sum.outputsRemoved += other.outputsRemoved
        sum.inputs += other.inputs
        sum.inputsUpToDate += other.inputsUpToDate
        sum.outputsWithoutRows += other.outputsWithoutRows
        sum.failedInputs += other.failedInputs
        return sum
    }

    /// `a`, `a and b`, `a, b and c`, or the first few and a count.
    package static func list(_ names: [String]) -> String {
        let shown = names.count > 5 ? Array(names.prefix(4)) + ["\(names.count - 4) more"] : names
        guard let last = shown.last else { return "" }
        return shown.count == 1 ? last : shown.dropLast().joined(separator: ", ") + " and " + last
    }

    /// What a failed run left on disk: `part-001.csv and part-002.csv kept; part-003.csv removed
    /// (40 rows discarded)`; empty for a run that succeeded.
    package var outcome: String {
        guard !succeeded else { return "" }
        var parts: [String] = []
        if !outputsKept.isEmpty { parts.append("\(Self.list(outputsKept)) kept") }
        if !outputsRemoved.isEmpty {
            parts.append("\(Self.list(outputsRemoved)) removed" + (rows.discarded > 0 ? " (\(rows.discarded) row\(rows.discarded == 1 ? "" : "s") discarded)" : ""))
        }
        if rowsStreamed > 0 || partOfARowStreamed {
            let part = partOfARowStreamed ? (rowsStreamed > 0 ? " and part of the next" : "part of a row") : ""
            parts.append("\(rowsStreamed > 0 ? "\(rowsStreamed) rows" : "")\(part) sent to the output stream before the stop")
        }
        return parts.isEmpty ? "no output written" : parts.joined(separator: "; ")
    }

    /// Rows read by this process per second (a resumed run's rate leaves out the rows read before
    /// the resume).
    package var rowsPerSecond: Double { seconds > 0 ? Double(rows.read - rowsResumed) / seconds : 0 }

    /// The summary without the program's name: `done: 1000 rows read, …`.
    package var text: String {
        let rate = rowsPerSecond >= 1 ? printfFormat("%.0f", rowsPerSecond) : "0"
        let discarded = rows.discarded > 0 ? ", \(rows.discarded) discarded" : ""
        let resumed = rowsResumed > 0 ? " (\(rowsResumed) by the run resumed)" : ""
        let upToDate = inputsUpToDate.isEmpty ? ""
            : "; \(inputsUpToDate.count) input\(inputsUpToDate.count == 1 ? "" : "s") skipped, \(inputsUpToDate.count == 1 ? "its output" : "their outputs") up to date"
        let failed = failedInputs.count > 1 ? "; \(failedInputs.count) inputs failed: \(Self.list(failedInputs.flatMap(\.files)))" : ""
        return "\(succeeded ? "done" : "stopped"): \(rows.read) rows read\(resumed), \(rows.written) written, "
            + "\(rows.skipped) skipped, \(rows.rejected) rejected\(discarded) in \(printfFormat("%.3f", seconds)) s (\(rate) rows/s)"
            + upToDate + failed + (succeeded ? "" : "; \(outcome)")
    }

    /// The row counts as Hadoop Streaming counter lines (`reporter:counter:GROUP,NAME,VALUE`),
    /// which a streaming task writes on standard error for the job's counters.
    package var hadoopCounters: [String] {
        [("ROWS_READ", rows.read), ("ROWS_WRITTEN", rows.written), ("ROWS_SKIPPED", rows.skipped), ("ROWS_REJECTED", rows.rejected),
         ("ROWS_DISCARDED", rows.discarded)]
            .map { "reporter:counter:nnpipe,\($0.0),\($0.1)" }
    }

    /// The same figures as JSON, for monitoring (`--stats-json`).
    ///
    /// Written by hand: `JSONEncoder` orders keys by hash or alphabetically and writes `seconds`
    /// in full, while this file keeps the documented key order, `", "` spacing and microseconds.
    package var json: String {
        let rate = (rowsPerSecond * 10).rounded() / 10
        return """
            {"succeeded": \(succeeded), "rows_read": \(rows.read), "rows_written": \(rows.written), \
            "rows_skipped": \(rows.skipped), "rows_rejected": \(rows.rejected), "rows_discarded": \(rows.discarded), \
            \(rowsResumed > 0 ? "\"rows_resumed\": \(rowsResumed), " : "")"outputs_kept": \(jsonList(outputsKept)), "outputs_removed": \(jsonList(outputsRemoved)), \
            "seconds": \(printfFormat("%.6f", seconds)), "rows_per_second": \(rate), \
            "peak_rss_bytes": \(peakRSSBytes), "inputs": [\(inputs.map(inputJSON).joined(separator: ", "))], \
            "inputs_up_to_date": \(jsonList(inputsUpToDate)), "failed_inputs": [\(failedInputs.map(failedJSON).joined(separator: ", "))]}
            """ + "\n"
    }

    private func inputJSON(_ input: InputFigures) -> String {
        """
        {"file": \(jsonString(input.file)), "rows_read": \(input.rows.read), "rows_written": \(input.rows.written), \
        "rows_skipped": \(input.rows.skipped), "rows_rejected": \(input.rows.rejected), "rows_discarded": \(input.rows.discarded), \
        "seconds": \(input.seconds.map { printfFormat("%.6f", $0) } ?? "null"), "output": \(input.output.map(jsonString) ?? "null")}
        """
    }

    private func failedJSON(_ failed: FailedInput) -> String {
        "{\"files\": \(jsonList(failed.files)), \"output\": \(jsonString(failed.output)), \"exit_status\": \(failed.exitStatus), "
            + "\"error\": \(jsonString(failed.message))}"
    }

    private func jsonString(_ name: String) -> String { JSONText.quoted(name, shortEscapes: false) }

    private func jsonList(_ names: [String]) -> String {
        "[" + names.map(jsonString).joined(separator: ", ") + "]"
    }
}

/// An output that failed: its inputs, and the error with its exit status.
package struct FailedInput: Sendable, Codable, Equatable {
    package var files: [String]
    package var output: String
    package var exitStatus: Int32
    package var message: String

    package init(files: [String], output: String, error: any Error) {
        self.files = files
        self.output = output
        exitStatus = (error as? any NNPipeError)?.exitStatus.rawValue ?? ExitStatus.software.rawValue
        message = (error as? any NNPipeError)?.message ?? "\(error)"
    }
}
