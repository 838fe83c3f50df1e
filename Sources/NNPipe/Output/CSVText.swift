/// Writing CSV fields: quoting only where CSV requires it.
package enum CSVText {
    /// Appends `field` to `buffer`, in quotes (with inner quotes doubled) only when it holds the
    /// delimiter, a quote, or a line break; otherwise byte for byte.
    @inlinable
    package static func appendField(_ field: UnsafeBufferPointer<UInt8>, delimiter: UInt8, to buffer: inout [UInt8]) {
        var needsQuotes = false
        for byte in field where byte == delimiter || byte == 0x22 || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            buffer.append(contentsOf: field)
            return
        }
        buffer.append(0x22)
        for byte in field {
            if byte == 0x22 { buffer.append(0x22) }
            buffer.append(byte)
        }
        buffer.append(0x22)
    }

    /// Appends a text field.
    package static func appendField(_ field: String, delimiter: UInt8, to buffer: inout [UInt8]) {
        Array(field.utf8).withUnsafeBufferPointer { appendField($0, delimiter: delimiter, to: &buffer) }
    }

    /// One CSV line of text fields, with its line feed.
    package static func line(_ fields: [String], delimiter: UInt8) -> [UInt8] {
        var buffer: [UInt8] = []
        for (i, field) in fields.enumerated() {
            if i > 0 { buffer.append(delimiter) }
            appendField(field, delimiter: delimiter, to: &buffer)
        }
        buffer.append(0x0A)
        return buffer
    }
}
