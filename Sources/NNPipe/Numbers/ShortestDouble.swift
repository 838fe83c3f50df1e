/// The shortest text that reads back to the same double, spelled exactly as `Double.description`
/// spells it, written straight into memory.
///
/// Digits: Dragonbox (Junekey Jeon, 2020-2024; see `shortestDecimal`). The value's rounding
/// interval is scaled by a 128-bit power of ten (`powersOfTen`, from scripts/make_pow10_table.py)
/// with one 64 × 128-bit product; the rare cases where the product's integer part cannot decide
/// are settled exactly from its lower bits. Of the decimals inside the interval it picks the one
/// with the fewest digits, and among those the closest to the value, ties to an even last
/// digit — the same choice as Swift's own formatter. Interval ends count as inside when the
/// binary significand is even (they read back to it). The digits are then written eight at a
/// time (`eightDigits`), as one group of 8 or as 1 + 8 + 8.
///
/// Spelling (`Double.description`'s rules), for digits d₁d₂…dₙ × 10^E:
/// - exponent form `d₁.d₂…dₙe±XX` (`1e-05`, `1.5e+300`, at least two exponent digits) when
///   E < -4 or |value| > 2^53;
/// - otherwise `0.000ddd`, `ddd.ddd`, or an integer with `.0` (`100.0`, `9007199254740992.0`);
/// - `0.0`, `-0.0`, `inf`, `-inf`; a leading `-` when negative. NaN is left to the caller.
enum ShortestDouble {
    /// Bytes `write` may touch at its destination: the longest text is 24 bytes
    /// (`-2.2250738585072014e-308`) and the digits and exponent are stored eight bytes at a time
    /// past it (34 bytes at most).
    static let capacity = 40

    /// Writes `value`'s text at `destination`, which has `capacity` writable bytes, and returns its
    /// length; nil (nothing meaningful written) when `value` is NaN.
    @inline(__always)
    static func write(_ value: Double, to destination: UnsafeMutableRawPointer) -> Int? {
        let bits = value.bitPattern
        let fraction = bits & (1 << 52 - 1)
        let biasedExponent = Int(truncatingIfNeeded: (bits >> 52) & 0x7FF)
        // A "-" always stored, kept only when negative: no branch on the sign, which in mixed
        // data is a coin toss for the branch predictor.
        destination.storeBytes(of: 0x2D, as: UInt8.self)  // "-"
        let out = destination + Int(truncatingIfNeeded: bits >> 63)
        let significand: UInt64
        let exponent: Int
        if biasedExponent == 0x7FF {
            guard fraction == 0 else { return nil }
            out.storeBytes(of: UInt32(0x66_6E_69).littleEndian, as: UInt32.self)  // "inf"
            return (out - destination) &+ 3
        } else if biasedExponent == 0 {
            if fraction == 0 {
                out.storeBytes(of: UInt32(0x30_2E_30).littleEndian, as: UInt32.self)  // "0.0"
                return (out - destination) &+ 3
            }
            significand = fraction
            exponent = -1074
        } else {
            significand = fraction | 1 << 52
            exponent = biasedExponent - 1075
            // Integers below 2^53 need no scaling: their digits are the integer's.
            if exponent <= 0 && exponent > -53 {
                let integer = significand &>> UInt64(-exponent)
                if integer &<< UInt64(-exponent) == significand {
                    let count = digitCount(integer)
                    writeDigits(integer, count: count, to: out)
                    (out + count).storeBytes(of: UInt16(0x30_2E).littleEndian, as: UInt16.self)  // ".0"
                    return (out - destination) &+ count &+ 2
                }
            }
        }
        let (digits, decimalExponent) = shortestDecimal(significand: significand, exponent: exponent,
                                                        lowerIsCloser: fraction == 0 && biasedExponent > 1)
        let count = digitCount(digits)
        // The exponent of the first digit: value = d₁.d₂…dₙ × 10^scientific.
        let scientific = decimalExponent &+ count &- 1
        if scientific < -4 || bits & ~(1 << 63) > (0x1p53 as Double).bitPattern {
            return (out - destination) &+ writeExponential(digits, count: count, exponent: scientific, to: out)
        } else if scientific < 0 {
            // "0.000ddd": up to three zeros after the point.
            out.storeBytes(of: UInt64(0x30_30_30_30_30_30_2E_30).littleEndian, as: UInt64.self)  // "0.000000"
            let zeros = 0 &- scientific &- 1
            writeDigits(digits, count: count, to: out + 2 + zeros)
            return (out - destination) &+ 2 &+ zeros &+ count
        } else if scientific >= count - 1 {
            // An integer the fast path above leaves (2^53 itself: other integers up to 2^53 are
            // caught there, and no other double's shortest decimal is an integer in this range):
            // the digits padded with zeros to exactly 17, so the zeros before ".0" are written too.
            return (out - destination) &+ writeInteger(digits &* powersOfTenTo16[17 - count], exponent: scientific, to: out)
        } else {
            // "ddd.ddd": the digits after the first scientific + 1 move right by one for the point.
            // Zeros first where the digits may not reach, so the 16 bytes read below are all
            // written ones.
            (out + 8).storeBytes(of: 0 as UInt64, as: UInt64.self)
            (out + 16).storeBytes(of: 0 as UInt64, as: UInt64.self)
            (out + 24).storeBytes(of: 0 as UInt64, as: UInt64.self)
            writeDigits(digits, count: count, to: out)
            let point = scientific &+ 1
            let tail0 = (out + point).loadUnaligned(as: UInt64.self)
            let tail1 = (out + point + 8).loadUnaligned(as: UInt64.self)
            (out + point + 1).storeBytes(of: tail0, as: UInt64.self)
            (out + point + 9).storeBytes(of: tail1, as: UInt64.self)
            (out + point).storeBytes(of: 0x2E, as: UInt8.self)  // "."
            return (out - destination) &+ count &+ 1
        }
    }

    // MARK: Digit count

    /// Decimal digits in `value` (1...17 for the values used here).
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        // floor(log10) from the bit length, then one comparison.
        let bitLength = 64 &- (value | 1).leadingZeroBitCount
        let guess = (bitLength &* 1233) >> 12
        return guess &+ (value >= powersOfTenTo16[guess] ? 1 : 0)
    }

    /// 10^0 ... 10^16, then 10^17 (never a product, only a bound for `digitCount`).
    static let powersOfTenTo16: [UInt64] = [
        1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000,
    ]

    // MARK: Text

    /// Writes the `count` digits of `digits` (count == digitCount(digits), 1...17): count bytes,
    /// 8 or 17 touched. Up to 8 digits are padded with zeros to 8 and written as one group, more to
    /// 17 and written as 1 + 8 + 8 (one path for 9 to 17: full-precision values have 16 or 17
    /// digits at random, and a branch between them would be mispredicted half the time).
    @inline(__always)
    static func writeDigits(_ digits: UInt64, count: Int, to out: UnsafeMutableRawPointer) {
        if count <= 8 {
            let padded = digits &* powersOfTenTo16[8 &- count]
            out.storeBytes(of: eightDigits(padded).littleEndian, as: UInt64.self)
        } else {
            write17Digits(digits &* powersOfTenTo16[17 &- count], to: out)
        }
    }

    /// Writes the 17 digits of `padded` (10^16 <= padded < 10^17): 17 bytes.
    @inline(__always)
    static func write17Digits(_ padded: UInt64, to out: UnsafeMutableRawPointer) {
        let first = padded / 10_000_000_000_000_000
        let rest = padded &- first &* 10_000_000_000_000_000
        let high = rest / 100_000_000
        let low = rest &- high &* 100_000_000
        out.storeBytes(of: UInt8(truncatingIfNeeded: first) &+ 0x30, as: UInt8.self)
        (out + 1).storeBytes(of: eightDigits(high).littleEndian, as: UInt64.self)
        (out + 9).storeBytes(of: eightDigits(low).littleEndian, as: UInt64.self)
    }

    /// `ddd000.0`: the first exponent + 1 digits of `padded` and ".0" (exponent <= 15).
    @inline(__always)
    static func writeInteger(_ padded: UInt64, exponent: Int, to out: UnsafeMutableRawPointer) -> Int {
        write17Digits(padded, to: out)
        (out + exponent + 1).storeBytes(of: UInt16(0x30_2E).littleEndian, as: UInt16.self)  // ".0"
        return exponent + 3
    }

    /// `d.ddde±XX`, or `de±XX` for one digit (`count` digits in `digits`).
    @inline(__always)
    static func writeExponential(_ digits: UInt64, count: Int, exponent: Int,
                                 to out: UnsafeMutableRawPointer) -> Int {
        // Digits at offset 1, then the first moves left over a ".".
        writeDigits(digits, count: count, to: out + 1)
        let first = (out + 1).load(as: UInt8.self)
        out.storeBytes(of: first, as: UInt8.self)
        (out + 1).storeBytes(of: 0x2E, as: UInt8.self)  // "."
        let end = count > 1 ? count &+ 1 : 1
        // "e", the sign, and two or three digits, stored at once (no branch on the digit count:
        // in full-precision data, exponents of two and three digits come at random).
        let magnitude = UInt64(truncatingIfNeeded: exponent < 0 ? 0 &- exponent : exponent)
        let hundreds = (magnitude &* 41) >> 12  // magnitude / 100, exact below 1000
        let twoDigits = magnitude &- hundreds &* 100
        let tens = (twoDigits &* 103) >> 10  // twoDigits / 10, exact below 100
        let ones = twoDigits &- tens &* 10
        let wide = magnitude >= 100
        let digitBytes = wide ? (0x30_30_30 | hundreds | tens << 8 | ones << 16) : (0x30_30 | tens | ones << 8)
        let sign: UInt64 = exponent < 0 ? 0x2D : 0x2B  // "-", "+"
        (out + end).storeBytes(of: (0x65 | sign << 8 | digitBytes << 16).littleEndian, as: UInt64.self)  // "e"
        return end &+ (wide ? 5 : 4)
    }

    /// The eight digits of `value` (< 10^8) as ASCII bytes, the first digit in the lowest byte.
    @inline(__always)
    static func eightDigits(_ value: UInt64) -> UInt64 {
        // Halves of four digits in 32-bit lanes, then pairs in 16-bit lanes, then single digits
        // in bytes; each split divides every lane at once by multiplying with a scaled reciprocal.
        // A lane x with quotient q by 10^n becomes q in its upper half and x - q·10^n in its lower
        // as x + q·(2^w - 10^n), one multiply and one add (no lane overflows: each stays below
        // 2^w). The first digit ends up in the highest byte; the byte swap puts it first.
        // value / 10_000, exact for value < 10^8 (the multiplier's error stays below 10^-4).
        let upper = (value &* 109_951_163) >> 40
        var lanes = value &+ upper &* (1 << 32 - 10_000)
        let hundreds = ((lanes &* 10_486) >> 20) & 0x0000_007F_0000_007F
        lanes &+= hundreds &* (1 << 16 - 100)
        let tens = ((lanes &* 103) >> 10) & 0x000F_000F_000F_000F
        lanes &+= tens &* (1 << 8 - 10)
        return (lanes | 0x3030_3030_3030_3030).byteSwapped
    }
}
