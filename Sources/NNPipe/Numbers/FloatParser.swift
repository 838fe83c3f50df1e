import Glibc

/// Parses decimal float64 numbers straight from bytes, without a `String` per field.
///
/// Accepted: optional spaces or tabs around, an optional sign, digits with an optional decimal
/// point, an optional exponent (`1`, `-2.5`, `.5`, `3.`, `6.02e23`). Refused: empty text, `nan`,
/// `inf`, hexadecimal (`0x1p3`), thousands or decimal commas (`1,5`), and values whose magnitude
/// overflows float64 (`1e400`). The result is the correctly rounded double, bit for bit the same
/// as glibc's `strtod`, by these paths:
///
/// - the most common shape, `[-]d.ddd…` without exponent, by a short path that inlines into the
///   caller's loop (``parseCommonShape(_:count:readable:)``); any other text by the general one;
/// - digits read eight at a time (SWAR) into a 64-bit mantissa, leading zeros not counted;
/// - a mantissa up to 2^53 with a power of ten up to 10^22: one exact multiplication or division
///   (Clinger), since both operands are exact doubles;
/// - any other mantissa of up to 19 significant digits: Eisel-Lemire (Lemire 2021, "Number Parsing
///   at a Gigabyte per Second", as in fast_float): the mantissa times a 128-bit power of five, the
///   binary exponent from a closed formula, rounding decided from the product's bits;
/// - `strtod` for the rest: more than 19 significant digits, or the product too close to call.
package enum FloatParser {
    /// Parses `count` bytes at `start`; nil when they are not a finite decimal number.
    @inlinable
    package static func parse(_ start: UnsafePointer<UInt8>, count: Int) -> Double? {
        parseGeneral(start, count: count, readable: count)
    }

    /// Parses `count` bytes at `start`, where `readable` (≥ count) bytes may be read: with 8 or
    /// more readable past a digit, digits are taken eight at a time (SWAR) instead of one by one.
    /// The bytes past `count` never change the result.
    @inlinable @inline(__always)
    package static func parse(_ start: UnsafePointer<UInt8>, count: Int, readable: Int) -> Double? {
        if let value = parseCommonShape(start, count: count, readable: readable) { return value }
        return parseGeneral(start, count: count, readable: readable)
    }

    /// Any text of the grammar above (the common shape included), out of line.
    @usableFromInline @inline(never)
    static func parseGeneral(_ start: UnsafePointer<UInt8>, count: Int, readable: Int) -> Double? {
        var i = 0
        var end = count
        // Spaces and tabs around the number (rare: one test of the first and last byte skips both loops).
        if end > 0, start[0] <= 0x20 || start[end &- 1] <= 0x20 {
            while i < end, start[i] == 0x20 || start[i] == 0x09 { i &+= 1 }
            while end > i, start[end &- 1] == 0x20 || start[end &- 1] == 0x09 { end &-= 1 }
        }
        let first = i
        var negative = false
        if i < end {
            // Branch-free: the sign of random data is unpredictable.
            let byte = start[i]
            negative = byte == 0x2D
            i &+= negative || byte == 0x2B ? 1 : 0
        }
        // All digits go into the mantissa (wrapping); more than 19 significant ones take the slow path.
        var mantissa: UInt64 = 0
        let integerStart = i
        // The integer part is most often one digit (`0.123`, `-1.5e-05`): taken alone, without SWAR.
        if i < end, start[i] &- 0x30 < 10 {
            mantissa = UInt64(start[i] &- 0x30)
            i &+= 1
            if i < end, start[i] &- 0x30 < 10 {
                readDigits(start, &i, end: end, readable: readable, into: &mantissa)
            }
        }
        var digits = i &- integerStart
        var exponent = 0
        if i < end, start[i] == 0x2E {
            i &+= 1
            let fractionStart = i
            readDigits(start, &i, end: end, readable: readable, into: &mantissa)
            let fractionDigits = i &- fractionStart
            digits &+= fractionDigits
            exponent = 0 &- fractionDigits
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
                // Exact below 2^59 (any number of leading zeros); past it, the value saturates.
                // Why that is safe: the digits before the exponent move the decimal point by at
                // most their count, below 2^57 for any text in memory (the x86-64 and AArch64
                // address spaces), so a written exponent of 2^59 or more leaves the first
                // significant digit beyond 10^±(2^58), far past float64's range either way. The
                // sum below stays within Int (2^59 × 10 + 9 + 2^57 < 2^63).
                if written < 1 << 59 { written = written &* 10 &+ Int(start[i] &- 0x30) }
                i &+= 1
            }
            guard i > exponentStart else { return nil }
            exponent &+= exponentNegative ? 0 &- written : written
        }
        guard i == end else { return nil }
        if digits > 19, !hasAtMost19SignificantDigits(start + integerStart, digits: digits) {
            return strtodFallback(start + first, count: end &- first)
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            // Both the mantissa and the power of ten are exact doubles: one rounding, as strtod.
            var value = Double(mantissa)
            let power = doublePowersOfTen.withUnsafeBufferPointer { $0[exponent < 0 ? 0 &- exponent : exponent] }
            value = exponent < 0 ? value / power : value * power
            return negative ? -value : value
        }
        guard let bits = eiselLemire(mantissa, exponent) else {
            return strtodFallback(start + first, count: end &- first)
        }
        if bits == 0x7FF0_0000_0000_0000 { return nil }  // overflows: refused, like strtod's inf
        return Double(bitPattern: negative ? bits | 1 << 63 : bits)
    }

    /// Whether digits that number more than 19 (from `start`, with a decimal point among them) are
    /// at most 19 once leading zeros are dropped (`0.0012301533574825742`: 17). The wrapping
    /// mantissa is then exact: leading zeros added nothing to it.
    @usableFromInline
    static func hasAtMost19SignificantDigits(_ start: UnsafePointer<UInt8>, digits: Int) -> Bool {
        var zeros = 0
        var j = 0
        while true {
            let byte = start[j]
            if byte == 0x30 {
                zeros &+= 1
            } else if byte != 0x2E {
                break
            }
            j &+= 1
            if zeros == digits { break }  // all zeros; the bytes after the digits are not read
        }
        return digits &- zeros <= 19
    }

    /// The float64 bits (sign clear) nearest to `mantissa` × 10^`exponent` for a nonzero mantissa,
    /// by Eisel-Lemire; infinity's bits when it overflows, nil when the 128-bit product cannot
    /// decide the rounding (then the caller asks `strtod`).
    ///
    /// The mantissa, normalized to 64 bits, is multiplied by 5^exponent scaled into [2^127, 2^128)
    /// (`powersOfFive`); the top 54 or 55 bits of the product are the result's significand plus one
    /// rounding bit, and the power of two comes from floor(log2(10) × exponent). Only the high word
    /// of the power is used unless the bits below the significand are all ones, where the low word
    /// could carry into them. Ties round to even; subnormals are shifted down before rounding.
    @usableFromInline @inline(__always)
    static func eiselLemire(_ mantissa: UInt64, _ exponent: Int) -> UInt64? {
        if exponent < smallestPowerOfFive { return 0 }  // below 10^-342: under half the smallest subnormal
        if exponent > 308 { return 0x7FF0_0000_0000_0000 }
        let leadingZeros = mantissa.leadingZeroBitCount
        let w = mantissa &<< UInt64(leadingZeros)
        let index = 2 &* (exponent &- smallestPowerOfFive)
        var (high, low) = powersOfFive.withUnsafeBufferPointer { table in
            w.multipliedFullWidth(by: table[index])
        }
        // 55 bits are kept (52 stored, the hidden one, one for rounding, one for the product's
        // top bit): when the 9 bits under them are all ones, the low word's product may carry in.
        let belowKept: UInt64 = 0x01FF
        if high & belowKept == belowKept {
            let second = powersOfFive.withUnsafeBufferPointer { table in
                w.multipliedFullWidth(by: table[index &+ 1]).high
            }
            let (sum, carry) = low.addingReportingOverflow(second)
            low = sum
            if carry { high &+= 1 }
            // Still all ones below: the product is within the table's error of a carry, and only
            // exponents where 5^|q| fits the table exactly are safe (a conservative check that
            // Mushtak and Lemire later proved never fires; kept so no case is guessed).
            if low == UInt64.max, exponent < -27 || exponent > 55 { return nil }
        }
        let upperBit = Int(truncatingIfNeeded: high &>> 63)
        let shift = UInt64(upperBit &+ 9)
        var significand = high &>> shift
        // floor(log2(10^q)) + 63, exactly over the table's range.
        let power = ((217_706 &* exponent) &>> 16) &+ 63
        var power2 = power &+ upperBit &- leadingZeros &+ 1023
        if power2 <= 0 {
            // Subnormal: shift down to the smallest exponent, then round half up (a tie cannot
            // happen this far from 10^0).
            if 1 &- power2 >= 64 { return 0 }
            significand &>>= UInt64(1 &- power2)
            significand &+= significand & 1
            significand &>>= 1
            // Rounding up may reach the smallest normal.
            return significand < 1 << 52 ? significand : 1 << 52
        }
        // An exact tie (nothing but zeros dropped below the rounding bit) rounds to even; exact
        // ties need 5^q to fit in 64 bits, so only small exponents can have one.
        if low <= 1, exponent >= -4, exponent <= 23, significand & 3 == 1, significand &<< shift == high {
            significand &= ~1
        }
        significand &+= significand & 1
        significand &>>= 1
        if significand >= 2 << 52 {
            significand = 1 << 52
            power2 &+= 1
        }
        significand &= ~(1 << 52)
        if power2 >= 0x7FF { return 0x7FF0_0000_0000_0000 }
        return UInt64(truncatingIfNeeded: power2) &<< 52 | significand
    }

    /// Appends the run of decimal digits at `start[i]` (up to `end`) to `mantissa`, advancing `i`.
    @inlinable @inline(__always)
    static func readDigits(_ start: UnsafePointer<UInt8>, _ i: inout Int, end: Int, readable: Int,
                           into mantissa: inout UInt64) {
        while i &+ 8 <= readable {
            // Eight bytes at once; the leading run of digits (at most up to `end`) counts.
            let raw = UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self).littleEndian
            var run = leadingDigitBytes(raw)
            if run > end &- i { run = end &- i }
            if run <= 0 { return }
            mantissa = mantissa &* integerPowersOfTen.withUnsafeBufferPointer { $0[run] } &+ eightDigitValue(raw, run: run)
            i &+= run
            if run < 8 { return }
        }
        while i < end, start[i] &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(start[i] &- 0x30)
            i &+= 1
        }
    }

    /// Parses a whole byte array (used for configuration values).
    package static func parse(_ bytes: [UInt8]) -> Double? {
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
    package static func problem(_ start: UnsafePointer<UInt8>, count: Int) -> String {
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
        if Self.hasDecimalComma(trimmed) {
            return "\"\(shown)\" is not a number (a decimal comma? nnpipe reads a decimal point: \(trimmed.replacingOccurrences(of: ",", with: ".")))"
        }
        return "\"\(shown)\" is not a number"
    }

    /// Whether `text` is a number written with a decimal comma, as some locales write them: `-1,5`.
    static func hasDecimalComma(_ text: String) -> Bool {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let whole = parts.first, let fraction = parts.last, !fraction.isEmpty else { return false }
        let digits = whole.drop { $0 == "-" || $0 == "+" }
        return whole.count - digits.count <= 1 && !digits.isEmpty
            && (digits + fraction).allSatisfy { $0.isASCII && $0.isNumber }
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
