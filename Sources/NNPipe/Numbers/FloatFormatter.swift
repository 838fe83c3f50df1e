import Glibc

/// Writes float64 values as CSV text into a reused byte buffer.
///
/// The default form is the shortest text that reads back to the same double, spelled as
/// `Double.description` spells it (Python's `repr` gives the same digits: `0.9630988349234587`,
/// `1e-05`, `1.0`), so nothing is lost in the round trip. With `decimals` set, values are written
/// with that many digits after the point (`%.Nf`).
package struct FloatFormatter: Sendable {
    /// Digits after the decimal point, or nil for the shortest round-trip form.
    package let decimals: Int?

    package init(decimals: Int? = nil) {
        self.decimals = decimals
    }

    /// The most bytes `write` touches for one value.
    package var maxLength: Int {
        decimals == nil ? ShortestDouble.capacity : Self.fixedCapacity
    }

    /// `%.17f` of the largest double is 328 bytes; vsnprintf also writes a terminating NUL.
    static let fixedCapacity = 360

    /// Writes `value` at `destination`, which has `maxLength` writable bytes, and returns the
    /// text's length.
    @inline(__always)
    package func write(_ value: Double, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        if let decimals {
            return Self.writeFixed(value, decimals: decimals, to: destination)
        }
        return Self.writeShortest(value, to: destination)
    }

    /// The shortest round-trip text, byte for byte as `Double.description` gives it (see
    /// `ShortestDouble`), at `destination` (`ShortestDouble.capacity` writable bytes). Every NaN
    /// is `nan`, as in `description` and Python's `repr` (whatever its sign or payload).
    @inline(__always)
    package static func writeShortest(_ value: Double, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        if let length = ShortestDouble.write(value, to: UnsafeMutableRawPointer(destination)) {
            return length
        }
        return writeNaN(to: destination)
    }

    /// `nan`.
    static func writeNaN(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        destination[0] = UInt8(ascii: "n")
        destination[1] = UInt8(ascii: "a")
        destination[2] = UInt8(ascii: "n")
        return 3
    }

    /// `%.Nf`, through `vsnprintf`, at `destination` (`fixedCapacity` writable bytes).
    package static func writeFixed(_ value: Double, decimals: Int, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        if value.isNaN { return writeNaN(to: destination) }
        let written = withVaList([Int32(decimals), value]) { arguments in
            destination.withMemoryRebound(to: CChar.self, capacity: fixedCapacity) {
                vsnprintf($0, fixedCapacity, "%.*f", arguments)
            }
        }
        return max(0, min(Int(written), fixedCapacity - 1))
    }
}
