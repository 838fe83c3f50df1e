import Foundation

/// The records of CSV `text`, each a list of fields: commas and line feeds inside double quotes
/// belong to the field, `""` inside quotes is one quote, and a carriage return before a line feed
/// is dropped. A last record without a line feed counts; an empty text has no records.
func csvRecords(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var previousWasQuote = false
    var pending = false
    for c in text.unicodeScalars {
        if quoted {
            if c == "\"" { quoted = false; previousWasQuote = true } else { field.unicodeScalars.append(c) }
            continue
        }
        if c == "\"" {
            if previousWasQuote { field.append("\"") }
            quoted = true
            previousWasQuote = false
            pending = true
            continue
        }
        previousWasQuote = false
        switch c {
        case ",":
            record.append(field)
            field = ""
            pending = true
        case "\n":
            if field.hasSuffix("\r") { field.removeLast() }
            record.append(field)
            records.append(record)
            record = []
            field = ""
            pending = false
        default:
            field.unicodeScalars.append(c)
            pending = true
        }
    }
    if pending {
        record.append(field)
        records.append(record)
    }
    return records
}

/// The CSV records of the file at `path`, gzip-compressed or not (`gzip -dcf`).
func csvRecords(ofFile path: String) throws -> [[String]] {
    let text = try Shell.run("gzip -dcf \(shellQuoted(path))", in: URL(fileURLWithPath: "/"))
    return csvRecords(String(decoding: text, as: UTF8.self))
}

/// Whether `field` is a plain decimal number (`-1.5`, `2e-3`): what any CSV reader takes as one.
func isPlainNumber(_ field: String) -> Bool {
    !field.isEmpty && field.allSatisfy { "0123456789+-.eE".contains($0) } && (Double(field)?.isFinite ?? false)
}
