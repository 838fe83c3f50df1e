import ArgumentParser
import Logging

/// `--log-level` and `--log-format`, shared by every command.
struct LoggingOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: ArgumentHelp(
        "Least important messages shown: trace, debug, info, notice (the summary), warning, error or critical.",
        valueName: "level"), completion: .list(Logger.Level.allCases.map(\.rawValue)))
    var level: Logger.Level = .notice

    @Option(name: .customLong("log-format"), help: ArgumentHelp(
        "text (nnpipe: MESSAGE) or json (one object per line: timestamp, level, message, metadata).",
        valueName: "format"), completion: .list(LogFormat.allCases.map(\.rawValue)))
    var format: LogFormat = .text

    @Flag(name: .customLong("log-timestamps"), help: "Start each text log line with its time (UTC, ISO 8601), as JSON lines always do.")
    var timestamps = false

    /// Sends every log record through nnpipe's handler; call once, before anything is logged.
    func bootstrap() {
        let level = level, format = format, timestamps = timestamps
        Terminal.format = format
        Terminal.bootstrapped = true
        LoggingSystem.bootstrap { _ in LogRecordHandler(format: format, logLevel: level, timestamps: timestamps) }
    }
}

/// How log records are written on standard error.
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// `nnpipe: MESSAGE` (below notice and for warnings, `nnpipe: LEVEL: MESSAGE key=value …`).
    case text
    /// One JSON object per line: `timestamp`, `level`, `message`, `metadata`.
    case json
}

/// `--log-level trace` … `critical`.
extension Logger.Level: @retroactive ExpressibleByArgument {}
