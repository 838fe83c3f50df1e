import Foundation
import Logging
import NNPipe

/// nnpipe's swift-log handler: every record becomes one line on standard error, as text a person
/// reads in a cron mail, or as JSON a log collector reads.
struct LogRecordHandler: LogHandler {
    let format: LogFormat
    var logLevel: Logger.Level
    /// Whether text lines start with their time.
    var timestamps = false
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = switch format {
        case .text: (timestamps ? Timestamp.now() + " " : "") + Self.text(level: event.level, message: event.message.description, metadata: merged)
        case .json: Self.json(level: event.level, message: event.message.description, metadata: merged)
        }
        Terminal.standardError.writeLine(line)
    }

    /// Notices and errors read as nnpipe always wrote them (`nnpipe: done: …`, `nnpipe: FILE:LINE: …`);
    /// other levels say their level and their metadata.
    static func text(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        switch level {
        case .notice, .error, .critical:
            return "nnpipe: \(message)"
        case .warning:
            // A warning is read by a person in a cron mail: the message says it all.
            return "nnpipe: warning: \(message)"
        default:
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return (["nnpipe: \(level): \(message)"] + fields).joined(separator: " ")
        }
    }

    /// One JSON record. Written by hand: `JSONEncoder` orders keys by hash or alphabetically, and
    /// a record's keys keep the documented order (`timestamp`, `level`, `message`, `metadata`).
    static func json(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var fields = ["\"timestamp\":\(quoted(Timestamp.now()))", "\"level\":\(quoted(level.rawValue))",
                      "\"message\":\(quoted(message))"]
        fields.append("\"metadata\":\(json(.dictionary(metadata)))")
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Metadata as JSON; integers, floating-point numbers and booleans given as such stay numbers.
    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text):
            return quoted(text)
        case .stringConvertible(let value):
            switch value {
            case let number as Int: return String(number)
            case let number as Double where number.isFinite: return String(number)
            case let flag as Bool: return String(flag)
            default: return quoted(value.description)
            }
        case .array(let values):
            return "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(json($0.value))" }
                .joined(separator: ",") + "}"
        }
    }

    /// `text` as a JSON string.
    static func quoted(_ text: String) -> String { JSONText.quoted(text, shortEscapes: true) }
}
