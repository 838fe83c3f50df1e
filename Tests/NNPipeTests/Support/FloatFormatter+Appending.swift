@testable import NNPipe

/// The formatter's text appended to a byte array, for the tests (the library writes into a
/// worker's buffer with ``FloatFormatter/write(_:to:)``).
extension FloatFormatter {
    /// Appends `value` to `buffer`.
    func append(_ value: Double, to buffer: inout [UInt8]) {
        buffer.append(addingCapacity: maxLength) { span in
            span.withUnsafeMutableBufferPointer { bytes, initialized in
                initialized += write(value, to: bytes.baseAddress! + initialized)
            }
        }
    }

    /// Appends the shortest round-trip text (`writeShortest`) to `buffer`.
    static func appendShortest(_ value: Double, to buffer: inout [UInt8]) {
        FloatFormatter().append(value, to: &buffer)
    }

    /// The standard library's text for `value` (`Double.write(to:)`, the same as `description`
    /// except for NaNs), without making a `String`: `write(to:)` hands its digits to the
    /// stream's `_writeASCII`.
    static func appendDescription(_ value: Double, to buffer: inout [UInt8]) {
        var stream = ByteStream()
        swap(&stream.bytes, &buffer)
        value.write(to: &stream)
        swap(&stream.bytes, &buffer)
    }

    /// Appends `%.Nf` (`writeFixed`) to `buffer`.
    static func appendFixed(_ value: Double, decimals: Int, to buffer: inout [UInt8]) {
        FloatFormatter(decimals: decimals).append(value, to: &buffer)
    }
}

/// A text stream into a byte array; `_writeASCII` receives a formatted number's bytes directly.
struct ByteStream: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}
