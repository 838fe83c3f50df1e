import Glibc

/// Writes float64 values as CSV text into a reused byte buffer.
///
/// The default form is the shortest text that reads back to the same double (Python's `repr`
/// gives the same digits: `0.9630988349234587`, `1e-05`, `1.0`), so nothing is lost in the round
/// trip. With `decimals` set, values are written with that many digits after the point (`%.Nf`).
public struct FloatFormatter: Sendable {
    /// Digits after the decimal point, or nil for the shortest round-trip form.
    public let decimals: Int?

    public init(decimals: Int? = nil) {
        self.decimals = decimals
    }

    /// Appends `value` to `buffer`.
    @inlinable
    public func append(_ value: Double, to buffer: inout [UInt8]) {
        if let decimals {
            Self.appendFixed(value, decimals: decimals, to: &buffer)
        } else {
            Self.appendShortest(value, to: &buffer)
        }
    }

    /// The shortest round-trip digits, byte for byte as `Double.description` gives them, written
    /// straight into the buffer's spare capacity (see `ShortestDouble`).
    @inlinable
    public static func appendShortest(_ value: Double, to buffer: inout [UInt8]) {
        guard !value.isNaN else { return appendDescription(value, to: &buffer) }
        buffer.append(addingCapacity: ShortestDouble.capacity) { span in
            span.withUnsafeMutableBufferPointer { bytes, initialized in
                let written = ShortestDouble.write(value, to: UnsafeMutableRawPointer(bytes.baseAddress! + initialized))
                initialized += written ?? 0
            }
        }
    }

    /// The standard library's text for `value` (`Double.description`), without making a `String`:
    /// `Double.write(to:)` hands its digits to the stream's `_writeASCII`.
    @inlinable
    public static func appendDescription(_ value: Double, to buffer: inout [UInt8]) {
        var stream = ByteStream()
        swap(&stream.bytes, &buffer)
        value.write(to: &stream)
        swap(&stream.bytes, &buffer)
    }

    /// `%.Nf`, through `vsnprintf`.
    public static func appendFixed(_ value: Double, decimals: Int, to buffer: inout [UInt8]) {
        var scratch = [CChar](repeating: 0, count: 360)
        let written = withVaList([Int32(decimals), value]) { arguments in
            scratch.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress!, 360, "%.*f", arguments) }
        }
        let length = min(Int(written), 359)
        scratch.withUnsafeBufferPointer { chars in
            chars.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: length) {
                buffer.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
        }
    }
}

/// A text stream into a byte array; `_writeASCII` receives a formatted number's bytes directly.
@usableFromInline
struct ByteStream: TextOutputStream {
    @usableFromInline var bytes: [UInt8] = []

    @inlinable init() {}

    @inlinable mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    @inlinable mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}
