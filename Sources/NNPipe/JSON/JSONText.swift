import Foundation

/// Strings for JSON written by hand (the stats file, JSON log records), where `JSONEncoder`
/// cannot keep the documented key order.
package enum JSONText {
    /// `text` as a JSON string: `"` and `\` escaped, other control characters as `\u00XX`, or,
    /// with `shortEscapes`, line feed, carriage return and tab as `\n`, `\r` and `\t` (the log
    /// records write them so; the stats file always wrote `\u000a`).
    package static func quoted(_ text: String, shortEscapes: Bool) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n" where shortEscapes: out += "\\n"
            case "\r" where shortEscapes: out += "\\r"
            case "\t" where shortEscapes: out += "\\t"
            case _ where scalar.value < 0x20: out += printfFormat("\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
