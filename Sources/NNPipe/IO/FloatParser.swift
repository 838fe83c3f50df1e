import Glibc

/// Parses decimal float64 numbers straight from bytes, without a `String` per field.
///
/// Accepted: optional spaces or tabs around, an optional sign, digits with an optional decimal
/// point, an optional exponent (`1`, `-2.5`, `.5`, `3.`, `6.02e23`). Refused: empty text, `nan`,
/// `inf`, hexadecimal (`0x1p3`), thousands or decimal commas (`1,5`), and values whose magnitude
/// overflows float64 (`1e400`). The result is the correctly rounded double, the same as `strtod`:
/// an exact fast path covers up to 15 significant digits with a small exponent (Clinger), and
/// everything else goes to `strtod`.
public enum FloatParser {
    /// Powers of ten that float64 holds exactly.
    @usableFromInline
    static let exactPowersOfTen: [Double] = (0...22).map { k in
        var value = 1.0
        for _ in 0..<k { value *= 10 }
        return value
    }

    /// Parses `count` bytes at `start`; nil when they are not a finite decimal number.
    @inlinable
    public static func parse(_ start: UnsafePointer<UInt8>, count: Int) -> Double? {
        var i = 0
        var end = count
        while i < end, start[i] == 0x20 || start[i] == 0x09 { i += 1 }
        while end > i, start[end - 1] == 0x20 || start[end - 1] == 0x09 { end -= 1 }
        let first = i
        var negative = false
        if i < end, start[i] == 0x2D || start[i] == 0x2B {
            negative = start[i] == 0x2D
            i += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var digitsSeen = 0
        var exponent = 0
        while i < end, start[i] &- 0x30 < 10 {
            let digit = UInt64(start[i] &- 0x30)
            if mantissa != 0 || digit != 0 {
                significantDigits += 1
                if significantDigits <= 19 { mantissa = mantissa &* 10 &+ digit } else { exponent += 1 }
            }
            digitsSeen += 1
            i += 1
        }
        if i < end, start[i] == 0x2E {
            i += 1
            while i < end, start[i] &- 0x30 < 10 {
                let digit = UInt64(start[i] &- 0x30)
                if mantissa != 0 || digit != 0 {
                    significantDigits += 1
                    if significantDigits <= 19 {
                        mantissa = mantissa &* 10 &+ digit
                        exponent -= 1
                    }
                } else {
                    exponent -= 1
                }
                digitsSeen += 1
                i += 1
            }
        }
        guard digitsSeen > 0 else { return nil }
        if i < end, start[i] | 0x20 == 0x65 {  // e or E
            i += 1
            var exponentNegative = false
            if i < end, start[i] == 0x2D || start[i] == 0x2B {
                exponentNegative = start[i] == 0x2D
                i += 1
            }
            var written = 0
            var exponentDigits = 0
            while i < end, start[i] &- 0x30 < 10 {
                if written < 100_000 { written = written * 10 + Int(start[i] &- 0x30) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard i == end else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if significantDigits <= 15, exponent >= -22, exponent <= 22 {
            // Both the mantissa and the power of ten are exact doubles: one rounding, as strtod.
            var value = Double(mantissa)
            value = exponent < 0 ? value / exactPowersOfTen[-exponent] : value * exactPowersOfTen[exponent]
            return negative ? -value : value
        }
        return strtodFallback(start + first, count: end - first)
    }

    /// Parses a whole byte array (used for configuration values).
    public static func parse(_ bytes: [UInt8]) -> Double? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return parse(base, count: buffer.count)
        }
    }

    /// The slow path: text already checked for the grammar above, converted by `strtod`.
    @usableFromInline
    static func strtodFallback(_ start: UnsafePointer<UInt8>, count: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            let base = buffer.baseAddress!
            start.withMemoryRebound(to: CChar.self, capacity: count) { base.update(from: $0, count: count) }
            base[count] = 0
            let value = strtod(base, nil)
            return value.isFinite ? value : nil
        }
    }

    /// Why `count` bytes at `start` are not a number, in a few words for a message.
    public static func problem(_ start: UnsafePointer<UInt8>, count: Int) -> String {
        let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
        let trimmed = text.trimmingSpaces
        if trimmed.isEmpty { return "empty value where a number is expected" }
        let shown = trimmed.count > 40 ? String(trimmed.prefix(40)) + "…" : trimmed
        switch trimmed.lowercased() {
        case "nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity":
            return "\"\(shown)\" is not a finite number"
        default:
            break
        }
        if let value = Double(trimmed), !value.isFinite {
            return "\"\(shown)\" is out of float64 range"
        }
        return "\"\(shown)\" is not a number"
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let c = scalars.first, c == " " || c == "\t" { scalars.removeFirst() }
        while let c = scalars.last, c == " " || c == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
