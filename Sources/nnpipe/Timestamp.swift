import Foundation
import NNPipe
#if canImport(Glibc)
import Glibc
#endif

/// Times as nnpipe's logs and run records write them.
enum Timestamp {
    /// `2026-12-04T09:30:00.123Z`: UTC, RFC 3339 (ISO 8601) with milliseconds, truncated. By
    /// `gmtime_r`, not Foundation's date formatters, which load ICU's time zone and locale data
    /// (megabytes of memory at the end of a run).
    static func rfc3339(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let seconds = (milliseconds / 1000).rounded(.down)
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "\(date.timeIntervalSince1970)" }
        return printfFormat("%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                            parts.tm_hour, parts.tm_min, parts.tm_sec, Int(milliseconds - seconds * 1000))
    }

    /// Now, as ``rfc3339(_:)`` writes it.
    static func now() -> String { rfc3339(Date()) }
}
