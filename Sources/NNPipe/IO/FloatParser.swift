import Glibc

/// Parses decimal float64 numbers straight from bytes, without a `String` per field.
///
/// Accepted: optional spaces or tabs around, an optional sign, digits with an optional decimal
/// point, an optional exponent (`1`, `-2.5`, `.5`, `3.`, `6.02e23`). Refused: empty text, `nan`,
/// `inf`, hexadecimal (`0x1p3`), thousands or decimal commas (`1,5`), and values whose magnitude
/// overflows float64 (`1e400`). The result is the correctly rounded double, the same as `strtod`:
/// an exact fast path covers mantissas up to 2^53 with a power of ten up to 10^22 (Clinger), and
/// everything else goes to `strtod`.
public enum FloatParser {
    /// 10^k for 0 ≤ k ≤ 22, the powers of ten float64 holds exactly (a literal table: no lazy
    /// global initialization on the hot path).
    @inlinable @inline(__always)
    static func exactPowerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// Parses `count` bytes at `start`; nil when they are not a finite decimal number.
    @inlinable
    public static func parse(_ start: UnsafePointer<UInt8>, count: Int) -> Double? {
        parse(start, count: count, readable: count)
    }

    /// Parses `count` bytes at `start`, where `readable` (≥ count) bytes may be read: with 8 or
    /// more readable past a digit, digits are taken eight at a time (SWAR) instead of one by one.
    /// The bytes past `count` never change the result.
    @inlinable
    public static func parse(_ start: UnsafePointer<UInt8>, count: Int, readable: Int) -> Double? {
        var i = 0
        var end = count
        while i < end, start[i] == 0x20 || start[i] == 0x09 { i &+= 1 }
        while end > i, start[end &- 1] == 0x20 || start[end &- 1] == 0x09 { end &-= 1 }
        let first = i
        var negative = false
        if i < end, start[i] == 0x2D || start[i] == 0x2B {
            negative = start[i] == 0x2D
            i &+= 1
        }
        // All digits go into the mantissa (wrapping); more than 19 of them take the slow path.
        var mantissa: UInt64 = 0
        let integerStart = i
        readDigits(start, &i, end: end, readable: readable, into: &mantissa)
        var digits = i &- integerStart
        var exponent = 0
        if i < end, start[i] == 0x2E {
            i &+= 1
            let fractionStart = i
            readDigits(start, &i, end: end, readable: readable, into: &mantissa)
            let fractionDigits = i &- fractionStart
            digits &+= fractionDigits
            exponent = -fractionDigits
        }
        guard digits > 0 else { return nil }
        if i < end, start[i] | 0x20 == 0x65 {  // e or E
            i &+= 1
            var exponentNegative = false
            if i < end, start[i] == 0x2D || start[i] == 0x2B {
                exponentNegative = start[i] == 0x2D
                i &+= 1
            }
            var written = 0
            let exponentStart = i
            while i < end, start[i] &- 0x30 < 10 {
                if written < 100_000 { written = written &* 10 &+ Int(start[i] &- 0x30) }
                i &+= 1
            }
            guard i > exponentStart else { return nil }
            exponent &+= exponentNegative ? -written : written
        }
        guard i == end else { return nil }
        if digits <= 19 {
            if mantissa == 0 { return negative ? -0.0 : 0.0 }
            if mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
                // Both the mantissa and the power of ten are exact doubles: one rounding, as strtod.
                var value = Double(mantissa)
                value = exponent < 0 ? value / exactPowerOfTen(-exponent) : value * exactPowerOfTen(exponent)
                return negative ? -value : value
            }
        }
        return strtodFallback(start + first, count: end &- first)
    }

    /// Appends the run of decimal digits at `start[i]` (up to `end`) to `mantissa`, advancing `i`.
    @inlinable @inline(__always)
    static func readDigits(_ start: UnsafePointer<UInt8>, _ i: inout Int, end: Int, readable: Int,
                           into mantissa: inout UInt64) {
        while i &+ 8 <= readable {
            // Eight bytes at once; the leading run of digits (at most up to `end`) counts. A
            // byte is a digit when its high nibble is 3 and adding 6 does not carry out of its
            // low nibble; carries from bytes after the run cannot reach back into it.
            let raw = UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self).littleEndian
            let notDigit = ((raw & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
                | (((raw &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
            let run = min(notDigit == 0 ? 8 : notDigit.trailingZeroBitCount >> 3, end &- i)
            if run == 0 { return }
            // Right-align the run's digits (first digit most significant), then combine pairs,
            // quads and octets with three multiplications.
            var value = (raw & 0x0F0F_0F0F_0F0F_0F0F) << UInt64((8 &- run) &* 8)
            value = (value &* 2561) >> 8 & 0x00FF_00FF_00FF_00FF
            value = (value &* 6_553_601) >> 16 & 0x0000_FFFF_0000_FFFF
            value = (value &* 42_949_672_960_001) >> 32
            mantissa = mantissa &* exactIntegerPowerOfTen(run) &+ value
            i &+= run
            if run < 8 { return }
        }
        while i < end, start[i] &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(start[i] &- 0x30)
            i &+= 1
        }
    }

    @inlinable @inline(__always)
    static func exactIntegerPowerOfTen(_ k: Int) -> UInt64 {
        switch k {
        case 1: 10
        case 2: 100
        case 3: 1000
        case 4: 10000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        default: 100_000_000
        }
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
