extension FloatParser {
    /// The double for the most common shape of a number in a CSV file, `[-]d.ddd…` (one integer
    /// digit, a point, a fraction; at most 19 significant digits, no exponent: `-0.3685185`,
    /// `0.0012301533574825742`), or with 2 to 7 integer digits (`123.4567`), when at least 8 bytes
    /// past the text may be read; nil for any other text, which the general path then parses or
    /// refuses. Never a different double than the general path.
    ///
    /// Kept small so that it inlines into the caller's loop. The integer digit takes the point's
    /// place in the first eight-byte word, so one SWAR step reads up to eight digits (`%.7g`
    /// values whole); one or two more words hold the rest of up to 24 digits (pandas' 17
    /// significant digits), their digit counts known from the text's length. Then one exact division
    /// (Clinger) for mantissas up to 2^53, else Eisel-Lemire. Several integer digits take a
    /// call out of line to build the first word, then the same steps.
    @inlinable @inline(__always)
    static func parseCommonShape(_ start: UnsafePointer<UInt8>, count: Int, readable: Int) -> Double? {
        // Every eight-byte read below starts at or before `count`, so this one check covers them.
        guard count &+ 8 <= readable else { return nil }
        let negative = start[0] == 0x2D  // with count 0, a byte past the text: then nothing is accepted
        let text = start + (negative ? 1 : 0)
        let length = count &- (negative ? 1 : 0)
        let signBit = UInt64(truncatingIfNeeded: count &- length) &<< 63
        guard text[1] == 0x2E else {  // may be past the text: `digits` is checked below
            return parseSeveralIntegerDigits(text, length: length, signBit: signBit, start, count: count)
        }
        // `d.1234567`: the word at the point with the integer digit written over the point,
        // `d1234567` (`d` is checked with the others).
        let word = UnsafeRawPointer(text + 1).loadUnaligned(as: UInt64.self).littleEndian ^ UInt64(text[0] ^ 0x2E)
        return parseDigitWords(word, point: 1, text, length: length, signBit: signBit, start, count: count)
    }

    /// `12.345678` … `1234567.8` (2 to 7 integer digits), as ``parseCommonShape(_:count:readable:)``
    /// takes them; out of the inlined path.
    @usableFromInline @inline(never)
    static func parseSeveralIntegerDigits(_ text: UnsafePointer<UInt8>, length: Int, signBit: UInt64,
                                          _ start: UnsafePointer<UInt8>, count: Int) -> Double? {
        var point = 2
        while point < 8, text[point] != 0x2E { point &+= 1 }
        guard point < 8, point < length else { return nil }
        // The integer digits from the word at the text, the rest from the word one byte further.
        let low = (1 as UInt64) &<< UInt64(truncatingIfNeeded: point &* 8) &- 1
        let word = UnsafeRawPointer(text).loadUnaligned(as: UInt64.self).littleEndian & low
            | UnsafeRawPointer(text + 1).loadUnaligned(as: UInt64.self).littleEndian & ~low
        return parseDigitWords(word, point: point, text, length: length, signBit: signBit, start, count: count)
    }

    /// The rest of the short path: `word` holds the text's first eight digits (the point, at
    /// `point`, left out), the first digit in the lowest byte; the digits after them are read
    /// eight at a time from `text + 9`.
    @inlinable @inline(__always)
    static func parseDigitWords(_ word: UInt64, point: Int, _ text: UnsafePointer<UInt8>, length: Int,
                                signBit: UInt64, _ start: UnsafePointer<UInt8>, count: Int) -> Double? {
        let digits = length &- 1
        var mantissa: UInt64
        if UInt(bitPattern: digits &- 1) < 8 {
            // 1 to 8 digits: those in the low bytes must all be digits; the bytes past the text,
            // shifted out, may be anything.
            let shift = UInt64(truncatingIfNeeded: (8 &- digits) &* 8)
            guard notDigitMarks(word) &<< shift == 0 else { return nil }
            mantissa = combineEightDigits((word & 0x0F0F_0F0F_0F0F_0F0F) &<< shift)
        } else {
            // 9 to 24 digits: the first eight, then the rest from one or two more words, each
            // word's digits counted from the text's length (no search for where they end).
            guard digits > 8, digits <= 24, notDigitMarks(word) == 0 else { return nil }
            let high = combineEightDigits(word & 0x0F0F_0F0F_0F0F_0F0F)
            let second = UnsafeRawPointer(text + 9).loadUnaligned(as: UInt64.self).littleEndian
            let rest = digits &- 8
            if rest <= 8 {
                let shift = UInt64(truncatingIfNeeded: (8 &- rest) &* 8)
                guard notDigitMarks(second) &<< shift == 0 else { return nil }
                mantissa = high &* integerPowersOfTen.withUnsafeBufferPointer { $0[rest] }
                    &+ combineEightDigits((second & 0x0F0F_0F0F_0F0F_0F0F) &<< shift)
            } else {
                let third = UnsafeRawPointer(text + 17).loadUnaligned(as: UInt64.self).littleEndian
                let tail = rest &- 8
                let shift = UInt64(truncatingIfNeeded: (8 &- tail) &* 8)
                guard notDigitMarks(second) == 0, notDigitMarks(third) &<< shift == 0 else { return nil }
                mantissa = (high &* 100_000_000 &+ combineEightDigits(second & 0x0F0F_0F0F_0F0F_0F0F))
                    &* integerPowersOfTen.withUnsafeBufferPointer { $0[tail] }
                    &+ combineEightDigits((third & 0x0F0F_0F0F_0F0F_0F0F) &<< shift)
            }
            // More than 19 significant digits (a leading `0.` not counted) would wrap the mantissa.
            guard digits &- (word & 0xFF == 0x30 ? 1 : 0) <= 19 else { return nil }
        }
        let fractionDigits = digits &- point
        if mantissa <= 1 << 53 {
            // Both operands are exact doubles (10^k for k ≤ 19 < 22): one rounding, as strtod.
            let value = Double(Int64(bitPattern: mantissa)) / doublePowersOfTen.withUnsafeBufferPointer { $0[fractionDigits] }
            return Double(bitPattern: value.bitPattern | signBit)
        }
        return parseLongMantissa(mantissa, exponent: 0 &- fractionDigits, sign: signBit, start, count: count)
    }

    /// 10^k for 0 ≤ k ≤ 8 (a literal array: initialized statically, without a lazy-initialization
    /// check on the hot path).
    @usableFromInline static let integerPowersOfTen: [UInt64] = [
        1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000,
    ]

    /// 10^k for 0 ≤ k ≤ 22, the powers of ten float64 holds exactly.
    @usableFromInline static let doublePowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Eisel-Lemire for a mantissa above 2^53 (exact, at most 19 digits) with a small negative
    /// exponent, `strtod` when it cannot decide; out of the inlined path.
    @usableFromInline @inline(never)
    static func parseLongMantissa(_ mantissa: UInt64, exponent: Int, sign: UInt64,
                                  _ start: UnsafePointer<UInt8>, count: Int) -> Double? {
        guard let bits = eiselLemire(mantissa, exponent) else { return strtodFallback(start, count: count) }
        return Double(bitPattern: bits | sign)
    }

    /// A mark (the top bit) on each of the eight bytes of `raw` that is not a decimal digit, exact
    /// up to and including the first such byte (the first byte is the lowest); the marks above it
    /// may be wrong. Adding 0x46 sets the top bit of a byte above `9` (or 0x80...0xB9), subtracting
    /// 0x30 that of a byte below `0` (or 0xBA...0xFF); digits neither carry nor borrow into the
    /// byte above them.
    @inlinable @inline(__always)
    static func notDigitMarks(_ raw: UInt64) -> UInt64 {
        ((raw &+ 0x4646_4646_4646_4646) | (raw &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080
    }

    /// How many of the eight bytes of `raw` are decimal digits before the first that is not.
    @inlinable @inline(__always)
    static func leadingDigitBytes(_ raw: UInt64) -> Int {
        // trailingZeroBitCount of 0 is 64: eight digits.
        notDigitMarks(raw).trailingZeroBitCount &>> 3
    }

    /// The value of the first `run` (1...8) digit bytes of `raw`, the first most significant.
    @inlinable @inline(__always)
    static func eightDigitValue(_ raw: UInt64, run: Int) -> UInt64 {
        combineEightDigits((raw & 0x0F0F_0F0F_0F0F_0F0F) &<< UInt64(truncatingIfNeeded: (8 &- run) &* 8))
    }

    /// The value of eight digit values 0...9 in the bytes of `value`, the lowest byte the most
    /// significant digit: pairs, quads and octets combined with three multiplications.
    @inlinable @inline(__always)
    static func combineEightDigits(_ value: UInt64) -> UInt64 {
        var value = (value &* 2561) &>> 8 & 0x00FF_00FF_00FF_00FF
        value = (value &* 6_553_601) &>> 16 & 0x0000_FFFF_0000_FFFF
        return (value &* 42_949_672_960_001) &>> 32
    }
}
