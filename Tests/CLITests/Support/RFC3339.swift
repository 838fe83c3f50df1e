import Foundation
import Testing

/// Expects `text` to be a time as nnpipe writes them (`2026-12-04T09:30:00.123Z`: UTC, milliseconds)
/// within `from...to` (the instants around the run, widened to whole milliseconds).
func expectRFC3339(_ text: String?, from: Date, to: Date, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let text else {
        Issue.record("\(what): missing", sourceLocation: sourceLocation)
        return
    }
    let shape = text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil
    #expect(shape, "\(what): \(text)", sourceLocation: sourceLocation)
    let parser = ISO8601DateFormatter()
    parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    guard let date = parser.date(from: text) else {
        Issue.record("\(what): \(text) is not RFC 3339", sourceLocation: sourceLocation)
        return
    }
    let earliest = (from.timeIntervalSince1970 * 1000).rounded(.down) / 1000 - 0.001
    #expect(date.timeIntervalSince1970 >= earliest && date <= to, "\(what): \(text), run from \(from) to \(to)",
            sourceLocation: sourceLocation)
}
