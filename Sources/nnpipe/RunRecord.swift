import Foundation
import NNPipe

/// What a run leaves for monitoring, whatever its exit: `--stats-json` (the run's figures with
/// its exit status, times, version and pipeline) and `--metrics-textfile` (the same in
/// Prometheus' text exposition format, for node_exporter's textfile collector).
struct RunRecord {
    var summary: RunSummary
    var exitStatus: Int32
    /// The error's message, when the run failed.
    var error: String?
    var startedAt: Date
    var finishedAt: Date
    /// The pipeline file, or `<command line>`.
    var pipeline: String

    /// `--stats-json`'s content: the run's figures (``RunSummary/json``) after these fields.
    var json: String {
        func quoted(_ text: String) -> String { JSONText.quoted(text, shortEscapes: false) }
        let head = "{\"exit_status\": \(exitStatus), \"error\": \(error.map(quoted) ?? "null"), "
            + "\"started_at\": \(quoted(Timestamp.rfc3339(startedAt))), \"finished_at\": \(quoted(Timestamp.rfc3339(finishedAt))), "
            + "\"version\": \(quoted(NNPipeVersion.current)), \"pipeline\": \(quoted(pipeline)), "
        return head + summary.json.dropFirst()
    }

    /// `--metrics-textfile`'s content.
    var prometheus: String {
        let label = "pipeline=\"\(Self.labelValue(pipeline))\""
        var lines: [String] = []
        func gauge(_ name: String, _ help: String, _ samples: [(String, String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) gauge")
            for (labels, value) in samples { lines.append("\(name){\(labels)} \(value)") }
        }
        gauge("nnpipe_last_run_exit_status", "Exit status of the last run (0: success).", [(label, "\(exitStatus)")])
        gauge("nnpipe_last_run_timestamp_seconds", "When the last run finished, in seconds since the Unix epoch.",
              [(label, printfFormat("%.3f", finishedAt.timeIntervalSince1970))])
        gauge("nnpipe_last_run_duration_seconds", "How long the last run took.",
              [(label, printfFormat("%.6f", finishedAt.timeIntervalSince(startedAt)))])
        gauge("nnpipe_rows", "Rows of the last run, by kind.", [
            ("\(label),kind=\"read\"", "\(summary.rows.read)"), ("\(label),kind=\"written\"", "\(summary.rows.written)"),
            ("\(label),kind=\"skipped\"", "\(summary.rows.skipped)"), ("\(label),kind=\"rejected\"", "\(summary.rows.rejected)"),
            ("\(label),kind=\"discarded\"", "\(summary.rows.discarded)"),
        ])
        return lines.joined(separator: "\n") + "\n"
    }

    /// A label value as the exposition format escapes it: backslash, double quote, line feed.
    static func labelValue(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Writes `text` to `path` through a temporary file renamed into place, so that a reader
    /// (node_exporter, a dashboard) never sees half of it.
    /// (`registry`: the run's, which a signal handler cleans up through.)
    static func write(_ text: String, to path: String, registry: OutputRegistry) throws {
        try write(text, to: OutputFile(path: path, registry: registry, brokenPipeIsQuiet: false))
    }

    /// Writes `text` to `destination`, a path the run checked against its other paths.
    static func write(_ text: String, to destination: RunLayout.Destination, registry: OutputRegistry) throws {
        try write(text, to: OutputFile(path: destination.path, target: destination.target, registry: registry, brokenPipeIsQuiet: false))
    }

    private static func write(_ text: String, to file: OutputFile) throws {
        do {
            try file.write(Array(text.utf8))
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Whether a run that stopped before its paths were checked may write `path`: where a record
    /// this writer made is (a stats file, a metrics file), or, when `creating` (a pipeline file
    /// that does not load: no path of the run is known to clash), where nothing is and the name
    /// says a record (`.json` for stats, `.prom` for metrics, as node_exporter wants); never over a
    /// file it cannot tell apart from data. After a path mistake nothing new is made: the mistake
    /// may be this very path.
    static func mayWriteUnchecked(_ path: String, suffix: String, creating: Bool) -> Bool {
        guard path != "-" else { return false }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return creating && path.hasSuffix(suffix) && !FileManager.default.fileExists(atPath: path)
        }
        defer { try? handle.close() }
        let start = String(decoding: (try? handle.read(upToCount: 32)) ?? Data(), as: UTF8.self)
        return start.hasPrefix("{\"exit_status\": ") || start.hasPrefix("{\"succeeded\": ")
            || start.hasPrefix("# HELP nnpipe_")
    }
}
